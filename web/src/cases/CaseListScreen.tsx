// TEMPORARY placeholder: replace with the real screen (keep the default export).
import { Placeholder } from '../app/Placeholder';
export default function CaseListScreen() { return <Placeholder titleKey="cases.listTitle" />; }

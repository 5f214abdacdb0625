// TEMPORARY placeholder: replace with the real screen (keep the default export).
import { Placeholder } from '../app/Placeholder';
export default function CommandScreen() { return <Placeholder titleKey="command.title" />; }

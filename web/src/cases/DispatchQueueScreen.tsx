// TEMPORARY placeholder: replace with the real screen (keep the default export).
import { Placeholder } from '../app/Placeholder';
export default function DispatchQueueScreen() { return <Placeholder titleKey="cases.dispatchQueueTitle" />; }

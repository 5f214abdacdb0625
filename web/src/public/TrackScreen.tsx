// TEMPORARY placeholder: replace with the real screen (keep the default export).
import { Placeholder } from '../app/Placeholder';
export default function TrackScreen() { return <Placeholder titleKey="public.trackTitle" />; }

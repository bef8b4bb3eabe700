// Entry of the emulator worker thread. The emulators are TypeScript; tsx (already what
// `npm start` runs on) compiles them here, in a registration scoped to this import only.
import { register } from 'tsx/esm/api';

const api = register({ namespace: 'unite-hub-emulators' });
await api.import('./worker-thread.ts', import.meta.url);

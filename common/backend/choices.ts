// The backend names, apart from the backends: flag definitions and option parsing need them
// without loading tfjs (syncgrad --help).
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

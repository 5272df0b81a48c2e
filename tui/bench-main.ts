// Entry of the keypress benchmark: React's production build (what users get) unless NODE_ENV says
// otherwise, set before anything loads React; then the benchmark itself (bench-keypress.tsx).
import './production-env.js';
await import('./bench-keypress.js');

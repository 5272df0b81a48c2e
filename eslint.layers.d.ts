// Types of eslint.layers.js (plain JS so eslint.config.js can load it without a TypeScript loader).
export declare const LAYERS: readonly (readonly string[])[];
export declare const layerZones: readonly { target: string; from: string[]; message: string }[];

// The palette travels by context so every component colours from the same semantic table.
import { createContext, useContext } from 'react';
import { paletteFor, type Palette } from '../theme.js';

export const PaletteContext = createContext<Palette>(paletteFor(process.env));
export const usePalette = (): Palette => useContext(PaletteContext);

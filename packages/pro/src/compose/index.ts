/** Placeholder entry; replaced by the package's implementation. */
export const placeholder = true;

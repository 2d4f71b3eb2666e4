import { watch } from 'node:fs';
import path from 'node:path';

/** Callbacks of `watchFile()`. */
export interface WatchFileCallbacks {
  /** Called on every change event of the file (possibly several per write). */
  onChange: () => void;
  onError: (error: Error) => void;
}

/**
 * Watches one file through its directory, so editors that replace the file (rename) are followed too.
 * The watcher does not keep the process alive. Returns a function that stops watching.
 */
export function watchFile(file: string, callbacks: WatchFileCallbacks): () => void {
  const watcher = watch(path.dirname(file), (_event, changed) => {
    if (changed === null || changed === path.basename(file)) callbacks.onChange();
  });
  watcher.on('error', callbacks.onError);
  watcher.unref();
  return () => watcher.close();
}

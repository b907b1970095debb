/** The show's artwork, checked in the browser before it is sent (at creation and in the settings). */
import { t } from './forms.js';

/** Apple's artwork rules, checked here first so the editor hears it in their language. */
export async function artworkProblem(file: File): Promise<string | null> {
  if (file.type !== 'image/jpeg' && file.type !== 'image/png') return t.artworkWrongType!;
  let size: { width: number; height: number };
  try {
    const bitmap = await createImageBitmap(file);
    size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
  } catch {
    return t.artworkUnreadable!;
  }
  const say = (text: string) =>
    text.replace('{w}', String(size.width)).replace('{h}', String(size.height));
  if (size.width !== size.height) return say(t.artworkNotSquare!);
  if (size.width < 1400 || size.width > 3000) return say(t.artworkSize!);
  return null;
}

/** A byte count as people read limits: "1 MiB", "2.5 GiB", "512 KiB" (binary units, as configured). */
export function formatBytes(n: number): string {
  const [value, unit] =
    n >= 1024 ** 3
      ? [n / 1024 ** 3, 'GiB']
      : n >= 1024 ** 2
        ? [n / 1024 ** 2, 'MiB']
        : [n / 1024, 'KiB'];
  return `${Number(value.toFixed(1))} ${unit}`;
}

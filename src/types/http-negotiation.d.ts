// The two small libraries Express negotiates and revalidates with; they ship no types.
declare module 'negotiator' {
  import type { IncomingHttpHeaders } from 'node:http';
  export default class Negotiator {
    constructor(request: { headers: IncomingHttpHeaders });
    encoding(
      available?: readonly string[],
      options?: { preferred?: readonly string[] },
    ): string | undefined;
  }
}

declare module 'fresh' {
  export default function fresh(
    requestHeaders: Record<string, string | string[] | undefined>,
    responseHeaders: Record<string, string | undefined>,
  ): boolean;
}

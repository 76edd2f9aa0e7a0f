/** The browser's distinct id: posthog-js's when it has one, else an anonymous id kept in localStorage. */
export class BrowserIdentity {
  private id: string | undefined;

  constructor(
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined,
    private readonly randomUUID: () => string,
    private readonly fromPostHog: () => string | undefined,
  ) {}

  get(): string {
    if (this.id) return this.id;
    const posthog = safe(this.fromPostHog);
    if (posthog) return posthog;
    const stored = safe(() => this.storage?.getItem('trackplan:distinct_id') ?? undefined);
    this.id = stored || this.randomUUID();
    if (!stored) safe(() => this.storage?.setItem('trackplan:distinct_id', this.id!));
    return this.id;
  }

  set(id: string): void {
    this.id = id;
    safe(() => this.storage?.setItem('trackplan:distinct_id', id));
  }

  reset(): void {
    this.id = this.randomUUID();
    safe(() => this.storage?.setItem('trackplan:distinct_id', this.id!));
  }
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined; // storage disabled (privacy mode) or posthog-js not ready
  }
}

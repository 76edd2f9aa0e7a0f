import type { ConsentState, DropReason } from '../core/types';

/**
 * Holds messages while consent is pending (bounded: the oldest beyond `limit` are dropped,
 * counted `consent_queue_overflow`), drops them when denied (`consent_denied`), and lets them go
 * when granted. Nothing leaves the page before `granted`.
 */
export class ConsentGate {
  private held: { route: () => Promise<void>; drop: (reason: DropReason) => void; done: () => void }[] = [];

  constructor(
    private state: ConsentState,
    private readonly limit: number,
  ) {}

  get current(): ConsentState {
    return this.state;
  }

  admit = (route: () => Promise<void>, drop: (reason: DropReason) => void): Promise<void> => {
    if (this.state === 'granted') return route();
    if (this.state === 'denied') {
      drop('consent_denied');
      return Promise.resolve();
    }
    return new Promise<void>((done) => {
      this.held.push({ route, drop, done });
      if (this.held.length > this.limit) {
        const oldest = this.held.shift()!;
        oldest.drop('consent_queue_overflow');
        oldest.done();
      }
    });
  };

  set(state: ConsentState): void {
    this.state = state;
    if (state === 'pending') return;
    const held = this.held;
    this.held = [];
    for (const item of held) {
      if (state === 'granted') void item.route().then(item.done);
      else {
        item.drop('consent_denied');
        item.done();
      }
    }
  }
}

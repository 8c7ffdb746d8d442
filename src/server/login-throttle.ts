// Sign-in attempts per client address, counted in memory before any lock, database read or password hash: a flood
// from one address is answered 429 at once and cannot slow signed-in work. Behind a reverse proxy the address is
// the proxy's unless CIP_TRUST_PROXY=1 (docs/security.md).

/** A token bucket per address: `burst` failed attempts at once, then `perSecond`. */
export class AddressThrottle {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly burst = 20,
    private readonly perSecond = 1,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes an attempt for this address: 0 when it may try now, else the seconds to wait (nothing taken). */
  take(address: string): number {
    const b = this.refill(address);
    if (b.tokens < 1) return Math.ceil((1 - b.tokens) / this.perSecond);
    b.tokens -= 1;
    return 0;
  }

  /** Gives a successful sign-in its attempt back: only failures count. */
  refund(address: string): void {
    const b = this.refill(address);
    b.tokens = Math.min(this.burst, b.tokens + 1);
  }

  private refill(address: string): { tokens: number; at: number } {
    const t = this.now();
    const b = this.buckets.get(address) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    if (this.buckets.size > 10_000 && !this.buckets.has(address)) this.forgetFull(t);
    this.buckets.set(address, b);
    return b;
  }

  /** Drops addresses whose bucket has refilled (bounded memory under a spread-out flood). */
  private forgetFull(t: number): void {
    for (const [k, b] of this.buckets)
      if (b.tokens + ((t - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(k);
  }
}

/** After an alarm the same event is not reported again for a while: one anomaly, one alarm. */
export class OncePerEvent {
  private seen = 0;
  private quietUntil = -1;

  constructor(
    private readonly alarmLevel: number,
    private readonly quietPoints: number,
  ) {}

  /** The score, or 0 while quiet after an alarm. */
  filter(score: number): number {
    this.seen++;
    if (this.seen <= this.quietUntil) return 0;
    if (score >= this.alarmLevel) this.quietUntil = this.seen + this.quietPoints;
    return score;
  }
}

/**
 * An alarm's echo is not a new alarm. For `quietPoints` after a score of at least `echoLevel`,
 * a score is reported only if it exceeds `escalation` times that alarm's (and then it becomes the
 * alarm to exceed); other scores read 0. Unlike plain silence after an alarm, a weak alarm never
 * hides a much stronger anomaly right after it, so a threshold set anywhere above `echoLevel`
 * still finds the strongest events that cross it.
 */
export class EchoFilter {
  private seen = 0;
  private quietUntil = -1;
  private alarm = 0;

  constructor(
    private readonly echoLevel: number,
    private readonly escalation: number,
    private readonly quietPoints: number,
  ) {}

  filter(score: number): number {
    this.seen++;
    if (this.seen <= this.quietUntil && score <= this.alarm * this.escalation) return 0;
    if (score >= this.echoLevel) {
      this.quietUntil = this.seen + this.quietPoints;
      this.alarm = score;
    }
    return score;
  }
}

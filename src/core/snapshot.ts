/**
 * Rarely-changing rows (the taxonomy, the dispatch catalogue, departments) held in memory,
 * because every intake reads them. A cheap revision query, asked at most every `recheckMs`,
 * tells when another process changed them; this process's own writes call `invalidate`.
 */
export class Snapshot<T> {
  private value: T | undefined;
  private revision = '';
  private checkedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly readRevision: () => Promise<string>,
    private readonly load: () => Promise<T>,
    private readonly recheckMs = 2000,
  ) {}

  /** The current rows; concurrent callers share one reload. */
  async get(): Promise<T> {
    if (this.value !== undefined && Date.now() - this.checkedAt < this.recheckMs) return this.value;
    this.loading ??= this.refresh().finally(() => (this.loading = null));
    await this.loading;
    return this.value!;
  }

  /** Forces a revision check on next use. */
  invalidate(): void {
    this.checkedAt = 0;
    this.revision = '';
  }

  private async refresh(): Promise<void> {
    const revision = await this.readRevision();
    if (revision !== this.revision || this.value === undefined) {
      this.value = await this.load();
      this.revision = revision;
    }
    this.checkedAt = Date.now();
  }
}

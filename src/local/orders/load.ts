import { fromCents } from "../../../handlers/shared/money";
import type { CatalogueProduct } from "../../../handlers/inventory/catalogue";
import type { OrderDriver, OrderOutcome } from "./order-driver";

/** An order request, as the Order service takes it. */
export interface OrderRequest {
  readonly customerId: string;
  readonly items: readonly { readonly productId: string; readonly quantity: number; readonly price: number }[];
  readonly totalAmount: number;
  readonly idempotencyKey?: string;
}

/**
 * `count` valid orders over the catalogue's products, at the catalogue's prices: 1-3 lines of 1-3
 * units each, one idempotency key per order. The same `random` sequence gives the same orders.
 */
export function generateOrders(
  count: number,
  catalogue: readonly CatalogueProduct[],
  random: () => number,
  runId: string,
): OrderRequest[] {
  const orders: OrderRequest[] = [];
  for (let i = 0; i < count; i++) {
    const lines = 1 + Math.floor(random() * Math.min(3, catalogue.length));
    const picked = [...catalogue.keys()].sort(() => random() - 0.5).slice(0, lines);
    const items = picked.map((p) => ({
      productId: (catalogue[p] as CatalogueProduct).productId,
      quantity: 1 + Math.floor(random() * 3),
      price: fromCents((catalogue[p] as CatalogueProduct).priceCents),
    }));
    const cents = items.reduce(
      (sum, item, line) => sum + (catalogue[picked[line] as number] as CatalogueProduct).priceCents * item.quantity,
      0,
    );
    orders.push({
      customerId: `cust-${String(1 + (i % 50)).padStart(3, "0")}`,
      items,
      totalAmount: fromCents(cents),
      idempotencyKey: `${runId}-${i + 1}`,
    });
  }
  return orders;
}

/** Units generated orders can take at most, per product: enough stock for all of them. */
export function stockFor(orders: readonly OrderRequest[]): number {
  const units = new Map<string, number>();
  for (const o of orders) for (const i of o.items) units.set(i.productId, (units.get(i.productId) ?? 0) + i.quantity);
  return Math.max(0, ...units.values());
}

/**
 * Submits `orders` with at most `concurrency` in flight; outcomes come back in submission order.
 * Once `signal` is aborted no further order is submitted (the orders in flight still end).
 */
export async function runOrders(
  driver: OrderDriver,
  orders: readonly unknown[],
  concurrency: number,
  options: { readonly onOutcome?: (outcome: OrderOutcome) => void; readonly signal?: AbortSignal } = {},
): Promise<OrderOutcome[]> {
  const outcomes: OrderOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < orders.length && !options.signal?.aborted) {
      const i = next++;
      const outcome = { ...(await driver.submit(orders[i])), index: i };
      outcomes[i] = outcome;
      options.onOutcome?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, orders.length)) }, worker));
  return outcomes.filter((o) => o !== undefined);
}

export interface RunSummary {
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  readonly rejected: number;
  /** Orders finished per second of the run's wall time. */
  readonly throughputPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
}

/** The q-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(outcomes: readonly OrderOutcome[], wallMs: number): RunSummary {
  const count = (status: OrderOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
  const latencies = outcomes.map((o) => o.latencyMs);
  return {
    submitted: outcomes.length,
    completed: count("COMPLETED"),
    failed: count("FAILED"),
    rejected: count("REJECTED"),
    throughputPerSecond: wallMs > 0 ? Math.round((outcomes.length / wallMs) * 1000 * 10) / 10 : 0,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
  };
}

/** The API Ponder requires, plus the row counts the benchmark checks. */

import { db } from "ponder:api";
import { balance, event, transfer } from "ponder:schema";
import { Hono } from "hono";
import { count } from "ponder";

const app = new Hono();

app.get("/bench/counts", async (c) => {
  const [events] = await db.select({ n: count() }).from(event);
  const [transfers] = await db.select({ n: count() }).from(transfer);
  const [balances] = await db.select({ n: count() }).from(balance);
  return c.json({ events: events?.n, transfers: transfers?.n, balances: balances?.n });
});

export default app;

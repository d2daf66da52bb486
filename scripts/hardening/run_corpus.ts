/**
 * Sends the malformed-request corpus to a server child and counts what matters: 5xx answers,
 * connection errors, answers that lost the request's JSON-RPC id, internal errors, and whether
 * the server still answers normal calls afterwards.
 *
 * @module
 */
import { callText, legacyHeaders, openLegacySession, pool } from "./client.ts";
import type { Case } from "./case.ts";
import { jsonCorpus } from "./corpus.ts";
import { rawCorpus } from "./raw_corpus.ts";
import { rawRequest } from "./raw.ts";

/** Counts of one group of cases. */
export interface CorpusCounts {
  cases: number;
  fiveXx: number;
  connectErrors: number;
  closedWithoutAnswer: number;
  noAnswerInTime: number;
  idLost: number;
  internalErrors: number;
  statuses: Record<string, number>;
  samples: string[];
}

function empty(): CorpusCounts {
  return {
    cases: 0,
    fiveXx: 0,
    connectErrors: 0,
    closedWithoutAnswer: 0,
    noAnswerInTime: 0,
    idLost: 0,
    internalErrors: 0,
    statuses: {},
    samples: [],
  };
}

function messagesOf(contentType: string, body: string): Record<string, unknown>[] {
  try {
    if (contentType.includes("text/event-stream")) {
      return body.split("\n").filter((line) => line.startsWith("data:") && line.length > 5)
        .map((line) => JSON.parse(line.slice(5)));
    }
    if (body.trim() === "") return [];
    const parsed = JSON.parse(body);
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return [];
  }
}

/** The corpus's counts per era/category, plus totals and the after-check. */
export interface CorpusReport {
  groups: Map<string, CorpusCounts>;
  total: CorpusCounts;
  stillServes: boolean;
  seconds: number;
}

/** Runs the whole corpus (both eras' JSON cases and the raw cases) against `url`/`port`. */
export async function runCorpus(url: string, port: number): Promise<CorpusReport> {
  const start = Date.now();
  const cases: Case[] = [...jsonCorpus("modern", 0x5eed), ...jsonCorpus("legacy", 0xbad5eed)];
  const raw = rawCorpus(0xf00d).map((c) => ({ ...c, category: `raw: ${c.category}` }));
  const all = [...cases, ...raw];
  const session = await openLegacySession(url);
  const groups = new Map<string, CorpusCounts>();
  const total = empty();
  const note = (key: string, c: Case, what: string, field: keyof CorpusCounts) => {
    for (const counts of [groups.get(key)!, total]) {
      (counts[field] as number)++;
      if (
        counts.samples.length < 4 && field !== "closedWithoutAnswer" && field !== "noAnswerInTime"
      ) {
        counts.samples.push(`${field}: ${c.label ? `[${c.label}] ` : ""}${what}`);
      }
    }
  };
  await pool(all, 16, async (c) => {
    const key = c.category.startsWith("raw:") ? c.category : `${c.era}: ${c.category}`;
    if (!groups.has(key)) groups.set(key, empty());
    const counts = groups.get(key)!;
    counts.cases++;
    total.cases++;
    const answer = await rawRequest(port, c.build({ port, session }), c.waitMs ?? 5000);
    const status = answer.status === undefined
      ? (answer.timedOut
        ? "none (waited)"
        : answer.error?.startsWith("connect")
        ? "connect error"
        : "closed")
      : String(answer.status);
    counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
    total.statuses[status] = (total.statuses[status] ?? 0) + 1;
    if (answer.status === undefined) {
      if (answer.error?.startsWith("connect")) note(key, c, answer.error, "connectErrors");
      else if (answer.timedOut) note(key, c, "", "noAnswerInTime");
      else note(key, c, "", "closedWithoutAnswer");
      return;
    }
    if (answer.status >= 500) {
      note(key, c, `${answer.status} ${answer.body.slice(0, 120)}`, "fiveXx");
    }
    const messages = messagesOf(answer.headers["content-type"] ?? "", answer.body);
    for (const message of messages) {
      const error = message.error as { code?: number } | undefined;
      if (error?.code === -32603) {
        note(key, c, JSON.stringify(message).slice(0, 160), "internalErrors");
      }
    }
    if (c.id !== undefined) {
      const reply = messages.find((m) => "result" in m || "error" in m);
      if (reply === undefined || reply.id !== c.id) {
        note(
          key,
          c,
          `HTTP ${answer.status} ${(reply ? JSON.stringify(reply) : answer.body).slice(0, 140)}`,
          "idLost",
        );
      }
    }
  });
  let stillServes = false;
  try {
    const modern = await callText(url, "echo", { text: "still here" });
    const legacy = await fetch(url, {
      method: "POST",
      headers: legacyHeaders(session),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "echo", arguments: { text: "still here" } },
      }),
    });
    stillServes = modern === "still here" && legacy.status === 200 &&
      (await legacy.text()).includes("still here");
  } catch {
    stillServes = false;
  }
  return { groups, total, stillServes, seconds: (Date.now() - start) / 1000 };
}

/**
 * The login and consent step of `/authorize`, as an interface: the server
 * validates the request, then asks a {@link ConsentStep} who the user is and
 * whether they approve. Two are built in: `consentPage` (a plain HTML
 * approve/deny form for a single local user) and `autoApprove` (tests).
 *
 * @module
 */

/** What the user is asked to approve; every field was validated by the server. */
export interface AuthorizationRequestDetails {
  /** The client's id (for a metadata-document client, its URL). */
  clientId: string;
  /** The client's self-declared name; not verified. */
  clientName?: string;
  /** The client's self-declared home page; not verified. */
  clientUri?: string;
  /** Whether the client was described by a fetched metadata document. */
  clientFromMetadataDocument: boolean;
  /** Where the code will be sent. */
  redirectUri: string;
  /** The scopes requested (after defaults). */
  scopes: readonly string[];
  /** The resource the tokens will be for. */
  resource: string;
}

/**
 * Where a consent page posts its answer: a form with `method="post"`,
 * `action` and a hidden input per field. The server checks the fields (a
 * sealed copy of the request and a CSRF binding to a cookie it sets on the
 * page's response) before calling {@link ConsentStep.complete}.
 */
export interface ConsentForm {
  /** The URL to post to. */
  action: string;
  /** Hidden fields to include unchanged. */
  fields: { readonly [name: string]: string };
}

/** The user's answer: approved as `subject` (optionally granting fewer scopes), or denied. */
export type ConsentDecision =
  | { approved: true; subject: string; scopes?: readonly string[] }
  | { approved: false };

/** A decision, or a page to show (which posts to the {@link ConsentForm}). */
export type ConsentOutcome = ConsentDecision | Response;

/**
 * Logs the user in and asks for consent. `begin` runs on the authorization
 * request; `complete` on the post of the consent form. Either may answer a
 * page instead of a decision, e.g. to show a login error.
 */
export interface ConsentStep {
  /** The authorization request arrived and is valid. */
  begin(
    details: AuthorizationRequestDetails,
    form: ConsentForm,
    request: Request,
  ): ConsentOutcome | Promise<ConsentOutcome>;
  /** The consent form was posted (and its CSRF binding verified); `submitted` is the form. */
  complete(
    details: AuthorizationRequestDetails,
    form: ConsentForm,
    submitted: URLSearchParams,
    request: Request,
  ): ConsentOutcome | Promise<ConsentOutcome>;
}

/** Options of {@link autoApprove}. */
export interface AutoApproveOptions {
  /** The subject of every token. Default `"local-user"`. */
  subject?: string;
}

/**
 * A consent step that approves every request at once as `subject`, without
 * a page. For tests and automated conformance runs only: anyone who can
 * reach `/authorize` gets tokens.
 *
 * @example
 * ```ts
 * import { autoApprove } from "./consent.ts";
 * const consent = autoApprove({ subject: "test-user" });
 * ```
 */
export function autoApprove(options: AutoApproveOptions = {}): ConsentStep {
  const decision: ConsentDecision = { approved: true, subject: options.subject ?? "local-user" };
  return { begin: () => decision, complete: () => decision };
}

/** Options of {@link consentPage}. */
export interface ConsentPageOptions {
  /** The subject tokens are issued to when the user approves. Default `"local-user"`. */
  subject?: string;
  /** The page's heading. Default `"Authorize access"`. */
  title?: string;
}

/**
 * Text escaped for HTML element content and attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./consent.ts";
 * escapeHtml('<a href="x">'); // → "&lt;a href=&quot;x&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const STYLE = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;" +
  "padding:0 1rem;line-height:1.5}code{word-break:break-all}button{font-size:1rem;" +
  "padding:.5rem 1.2rem;margin-right:.6rem}.note{color:#555;font-size:.9rem}";

/** The page needs nothing but its inline style; it may not be framed (clickjacking). */
const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

function pageHtml(title: string, details: AuthorizationRequestDetails, form: ConsentForm): string {
  const name = details.clientName ?? details.clientId;
  const hidden = Object.entries(form.fields)
    .map(([field, value]) =>
      `<input type="hidden" name="${escapeHtml(field)}" value="${escapeHtml(value)}">`
    )
    .join("");
  const scopes = details.scopes.length === 0
    ? "<li>no particular scope</li>"
    : details.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join("");
  const identity = details.clientFromMetadataDocument
    ? `described by <code>${escapeHtml(details.clientId)}</code>`
    : `client id <code>${escapeHtml(details.clientId)}</code>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${escapeHtml(title)}</h1>` +
    `<p><strong>${escapeHtml(name)}</strong> (${identity}) asks to access ` +
    `<code>${escapeHtml(details.resource)}</code> with:</p><ul>${scopes}</ul>` +
    `<p class="note">If you approve, you are sent back to ` +
    `<code>${escapeHtml(details.redirectUri)}</code>. The name above is the client's own ` +
    `claim; approve only if you started this.</p>` +
    `<form method="post" action="${escapeHtml(form.action)}">${hidden}` +
    `<button type="submit" name="decision" value="approve">Approve</button>` +
    `<button type="submit" name="decision" value="deny">Deny</button></form></body></html>`;
}

/**
 * The default consent step: a plain HTML page naming the client, the
 * resource and the scopes, with Approve and Deny buttons. There is no login:
 * whoever approves is `subject`, which suits a server for local use. Plug in
 * your own {@link ConsentStep} to authenticate users.
 *
 * @example
 * ```ts
 * import { consentPage } from "./consent.ts";
 * const consent = consentPage({ subject: "ada", title: "Allow access to my notes" });
 * ```
 */
export function consentPage(options: ConsentPageOptions = {}): ConsentStep {
  const subject = options.subject ?? "local-user";
  const title = options.title ?? "Authorize access";
  return {
    begin: (details, form) =>
      new Response(pageHtml(title, details, form), {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": PAGE_POLICY,
        },
      }),
    complete: (_details, _form, submitted) =>
      submitted.get("decision") === "approve" ? { approved: true, subject } : { approved: false },
  };
}

// The tool schema and argument instances shared by the validation benchmark.

/** Arguments schema of a realistic "create calendar event" tool. */
export const toolSchema = {
  type: "object",
  additionalProperties: false,
  required: ["title", "start", "attendees"],
  properties: {
    title: { type: "string", minLength: 1, maxLength: 200, description: "Event title" },
    description: { type: "string", maxLength: 5000 },
    start: { type: "string", format: "date-time" },
    end: { type: "string", format: "date-time" },
    timezone: { type: "string", pattern: "^[A-Za-z]+(?:/[A-Za-z_]+)+$" },
    location: {
      type: "object",
      properties: {
        name: { type: "string" },
        address: { type: "string", maxLength: 500 },
        coordinates: {
          type: "object",
          required: ["lat", "lon"],
          properties: {
            lat: { type: "number", minimum: -90, maximum: 90 },
            lon: { type: "number", minimum: -180, maximum: 180 },
          },
        },
      },
    },
    attendees: {
      type: "array",
      minItems: 1,
      maxItems: 50,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["email"],
        properties: {
          email: { type: "string", format: "email" },
          name: { type: "string", maxLength: 100 },
          role: { enum: ["required", "optional", "chair"] },
          responded: { type: "boolean" },
        },
      },
    },
    reminderMinutes: {
      type: "array",
      items: { type: "integer", minimum: 0, maximum: 40320 },
      maxItems: 5,
    },
    priority: { type: "string", enum: ["low", "normal", "high"] },
    meetingId: { type: "string", format: "uuid" },
    website: { type: "string", format: "uri" },
    tags: { type: "array", items: { type: "string", pattern: "^[a-z0-9-]+$" }, maxItems: 10 },
  },
} as const;

/** Arguments that satisfy {@link toolSchema}. */
export const validArgs = {
  title: "Quarterly planning",
  description: "Roadmap review and staffing for Q3.",
  start: "2025-07-01T09:00:00+02:00",
  end: "2025-07-01T11:30:00+02:00",
  timezone: "Europe/Paris",
  location: {
    name: "Room 4.12",
    address: "12 rue de la Paix, Paris",
    coordinates: { lat: 48.8686, lon: 2.3314 },
  },
  attendees: [
    { email: "ada@example.com", name: "Ada", role: "chair", responded: true },
    { email: "grace@example.org", name: "Grace", role: "required" },
    { email: "linus@example.net", role: "optional", responded: false },
  ],
  reminderMinutes: [10, 60, 1440],
  priority: "high",
  meetingId: "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
  website: "https://meet.example.com/q3-planning?ref=calendar",
  tags: ["planning", "q3", "roadmap"],
};

/** Arguments with several violations (format, enum, bounds, nested items). */
export const invalidArgs = {
  ...validArgs,
  start: "2025-07-01 09:00", // not RFC 3339
  attendees: [{ email: "not-an-email", role: "host" }, ...validArgs.attendees],
  priority: "urgent",
  location: { coordinates: { lat: 123, lon: 2 } },
};

/**
 * A pattern-heavy schema, benchmarked apart: half its patterns are proven safe and run on
 * native `RegExp`; the others (nested or complex repetition) run on emcee's bounded matcher,
 * where Ajv runs them all on backtracking `RegExp`.
 */
export const patternSchema = {
  type: "object",
  required: ["slug", "iban", "email", "version"],
  properties: {
    slug: { type: "string", pattern: "^([a-z0-9]+[-.]?)*[a-z0-9]+$" },
    iban: { type: "string", pattern: "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$" },
    email: {
      type: "string",
      pattern: "^(?:[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*)@" +
        "(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$",
    },
    phone: { type: "string", pattern: "^\\+?[0-9 ()-]{7,20}$" },
    module: { type: "string", pattern: "^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$" },
    color: { type: "string", pattern: "^#[0-9a-fA-F]{6}$" },
    version: {
      type: "string",
      pattern:
        "^v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$",
    },
  },
} as const;

/** Arguments that satisfy {@link patternSchema}. */
export const patternValid = {
  slug: "quarterly-planning.2025-q3",
  iban: "FR7630006000011234567890189",
  email: "ada.lovelace@example.com",
  phone: "+33 (1) 23-45-67-89",
  module: "emcee.schema.regex",
  color: "#1e90ff",
  version: "v1.24.3-rc.1",
};

/** Arguments of {@link patternSchema} with several pattern violations. */
export const patternInvalid = {
  ...patternValid,
  slug: "Quarterly planning",
  email: "ada@localhost",
  version: "1.2",
};

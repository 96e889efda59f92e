// The JSON API of `govcheck serve` (the page uses nothing else). Every request carries the token
// the server wrote into this page; the server refuses any request without it.

const TOKEN = document.querySelector('meta[name="govcheck-token"]').content;

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

async function call(method, url, { body, type, headers = {} } = {}) {
  const init = { method, headers: { "X-Govcheck-Token": TOKEN, ...headers } };
  if (body !== undefined) {
    init.body = body;
    init.headers["Content-Type"] = type || "text/plain; charset=utf-8";
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, "The workbench server is not answering. Is `govcheck serve` still running?");
  }
  if (!response.ok) {
    let detail = null;
    let message = `${response.status} ${response.statusText}`;
    try {
      const text = await response.text();
      try {
        detail = JSON.parse(text);
        message = detail.error || message;
      } catch { message = text || message; }
    } catch { /* keep the status line */ }
    throw new ApiError(response.status, message, detail);
  }
  return response;
}

const query = (params) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else if (v !== undefined && v !== null && v !== "") q.append(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : "";
};

const json = (r) => r.json();

export const api = {
  about: () => call("GET", "/api/about").then(json),
  schema: () => call("GET", "/api/schema").then(json),
  proposals: () => call("GET", "/api/proposals").then(json),
  async read(path) {
    const r = await call("GET", `/api/proposals/${encodePath(path)}`);
    return { text: await r.text(), etag: r.headers.get("ETag") };
  },
  async write(path, text, { etag, create } = {}) {
    const headers = create ? { "If-None-Match": "*" } : { "If-Match": etag };
    const r = await call("PUT", `/api/proposals/${encodePath(path)}`, { body: text, headers });
    return r.json();
  },
  starter: (path) => call("GET", `/api/starter${query({ path })}`).then((r) => r.text()),
  check: (body, { asAt, file, isJson } = {}) =>
    call("POST", `/api/check${query({ as_at: asAt, file })}`,
      { body, type: isJson ? "application/json" : undefined }).then(json),
  compare: (body, { asAt, vary, file } = {}) =>
    call("POST", `/api/compare${query({ as_at: asAt, vary, file })}`, { body }).then(json),
  timeline: (body, { from, to, file } = {}) =>
    call("POST", `/api/timeline${query({ from, to, file })}`, { body }).then(json),
  explain: (body, { asAt, file } = {}) =>
    call("POST", `/api/explain${query({ as_at: asAt, file })}`, { body }).then(json),
  parse: (text) => call("POST", "/api/parse", { body: text }).then(json),
  edit: (text, data) =>
    call("POST", "/api/edit", { body: JSON.stringify({ text, data }), type: "application/json" })
      .then(json),
  async report(body, { format, asAt, file }) {
    const r = await call("POST", `/api/report${query({ format, as_at: asAt, file })}`, { body });
    const name = /filename\*=UTF-8''([^;]+)/.exec(r.headers.get("Content-Disposition") || "");
    return { blob: await r.blob(), name: name ? decodeURIComponent(name[1]) : `report.${format}` };
  },
};

export function encodePath(path) {
  return path.split("/").map(encodeURIComponent).join("/");
}

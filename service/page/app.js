// The analysts' page. Everything the server returns is put into the page with textContent,
// never innerHTML, so a statement containing markup is shown, not run.
"use strict";

const CATEGORY_NAMES = {
  delegitimizing_label: "delegitimizing label",
  demonizing_label: "demonizing label",
  euphemism: "euphemism",
  conspiracy_frame: "conspiracy frame",
  emotive_intensifier: "emotive intensifier",
};
const STANCE_NAMES = { pro_russia: "pro-Russia", pro_nato: "pro-NATO", neutral: "neutral" };

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function percent(value) {
  return `${(value * 100).toFixed(1)}%`;
}

function scoreBars(scores, names) {
  const list = element("dl", { class: "scores" });
  for (const [label, value] of Object.entries(scores)) {
    const meter = element("meter", { min: "0", max: "1", value: String(value), "aria-label": `${names[label] || label} probability` });
    list.append(element("dt", { text: names[label] || label }), element("dd", {}, meter, element("span", { text: ` ${percent(value)}` })));
  }
  return list;
}

function stanceBadge(label, score) {
  return element("span", { class: `badge stance-${label}`, "data-stance": label, text: `${STANCE_NAMES[label] || label} ${percent(score)}` });
}

// Text with loaded-term spans wrapped in focusable <mark> elements carrying a tooltip.
function highlight(text, terms, offset = 0) {
  const container = document.createDocumentFragment();
  let position = 0;
  const sorted = [...terms].sort((a, b) => a.start - b.start);
  sorted.forEach((term, index) => {
    const start = term.start - offset;
    const end = term.end - offset;
    if (start < position) return;
    container.append(text.slice(position, start));
    const tipId = `tip-${offset}-${index}`;
    const tip = element("span", { class: "tip", role: "tooltip", id: tipId });
    tip.append(
      element("strong", { text: CATEGORY_NAMES[term.category] || term.category }),
      element("span", { text: `target: ${term.target || "unclear"}` }),
      element("span", { text: `voice: ${term.voice}${term.speaker ? ` (${term.speaker})` : ""}` }),
      element("span", { text: `neutral: ${term.neutral.join(", ")}` }),
    );
    const mark = element("mark", {
      class: `term cat-${term.category} voice-${term.voice}`, tabindex: "0", "aria-describedby": tipId,
      "data-category": term.category, "data-target": term.target, "data-voice": term.voice,
    });
    mark.append(text.slice(start, end), tip);
    container.append(mark);
    position = end;
  });
  container.append(text.slice(position));
  return container;
}

function legend() {
  const box = document.getElementById("legend");
  box.replaceChildren(...Object.entries(CATEGORY_NAMES).map(([key, name]) => element("span", { class: `key cat-${key}`, text: name })));
}

function targetTable(targets) {
  const table = element("table", { class: "targets" });
  table.append(element("caption", { text: "Stance toward each target" }));
  const head = element("tr", {}, element("th", { scope: "col", text: "target" }), element("th", { scope: "col", text: "stance" }),
    element("th", { scope: "col", text: "favor" }), element("th", { scope: "col", text: "against" }), element("th", { scope: "col", text: "none" }));
  table.append(head);
  for (const [name, result] of Object.entries(targets)) {
    table.append(element("tr", { "data-target-head": name },
      element("th", { scope: "row", text: name === "nato" ? "NATO" : "Russia" }),
      element("td", { class: "target-label", text: result.label }),
      ...["favor", "against", "none"].map((label) => element("td", { text: percent(result.scores[label]) }))));
  }
  return table;
}

function showStatement(record) {
  const summary = document.getElementById("summary");
  summary.replaceChildren(
    element("p", {}, "Stance: ", stanceBadge(record.stance, record.score)),
    scoreBars(record.scores, STANCE_NAMES),
    targetTable(record.targets),
    element("p", { class: "voice", text: `Voice: ${record.voice}${record.speaker ? `, speaker: ${record.speaker}` : ""}` }),
    element("p", { text: `Loaded terms: ${record.framing.loaded_count} (${record.framing.author_loaded_count} in the author's voice)` }),
  );
  document.getElementById("highlighted").replaceChildren(highlight(document.getElementById("text").value, record.loaded_terms));
  const details = document.getElementById("details");
  details.replaceChildren();
  if (record.explanation && record.explanation.length) {
    const list = element("ul", { class: "explanation" });
    for (const item of record.explanation) list.append(element("li", { text: `“${item.feature}” (+${item.weight.toFixed(3)})` }));
    details.append(element("h3", { text: "Words that pushed the decision most" }), list);
  }
}

function speakersTable(speakers) {
  const table = element("table", { class: "speakers" });
  table.append(element("caption", { text: "Who voiced what" }));
  table.append(element("tr", {}, ...["speaker", "sentences", "pro-Russia", "pro-NATO", "neutral", "loaded terms"].map((h) => element("th", { scope: "col", text: h }))));
  for (const row of speakers) {
    table.append(element("tr", {}, element("th", { scope: "row", text: row.speaker }), element("td", { text: String(row.sentences) }),
      element("td", { text: String(row.stance.pro_russia) }), element("td", { text: String(row.stance.pro_nato) }),
      element("td", { text: String(row.stance.neutral) }), element("td", { text: String(row.loaded_terms) })));
  }
  return table;
}

function showArticle(result, title, text) {
  const framing = result.framing;
  document.getElementById("summary").replaceChildren(
    element("p", {}, "Document stance: ", stanceBadge(result.stance.label, result.stance.mean_scores[result.stance.label])),
    element("p", { text: `Sentences: ${result.sentences.length}. Loaded terms: ${framing.loaded_count}, of which ${framing.author_loaded_count} in the outlet's own voice (${framing.per_100_words} per 100 words).` }),
    speakersTable(result.speakers),
  );
  const container = document.getElementById("highlighted");
  container.replaceChildren();
  for (const sentence of result.sentences) {
    const source = sentence.part === "title" ? title : text;
    const line = element("p", { class: `sentence voice-${sentence.voice}` });
    line.append(stanceBadge(sentence.stance, sentence.score), " ", highlight(source.slice(sentence.start, sentence.end), sentence.loaded_terms, sentence.start));
    if (sentence.speaker) line.append(element("span", { class: "speaker", text: ` — ${sentence.voice}: ${sentence.speaker}` }));
    container.append(line);
  }
  document.getElementById("details").replaceChildren();
}

async function analyse(event) {
  event.preventDefault();
  const status = document.getElementById("status");
  const text = document.getElementById("text").value;
  if (!text.trim()) {
    status.textContent = "Paste a statement or an article first.";
    return;
  }
  const article = document.querySelector("input[name=mode]:checked").value === "article";
  const title = document.getElementById("title").value;
  const key = document.getElementById("api-key").value;
  sessionStorage.setItem("stancewatch-key", key);
  const headers = { "Content-Type": "application/json" };
  if (key) headers["X-API-Key"] = key;
  const body = article ? { text, title: title || null } : { instances: [{ id: "page", text }], explain: true };
  status.textContent = "Analysing…";
  document.getElementById("analyse").disabled = true;
  try {
    const response = await fetch(article ? "/v1/analyze" : "/v1/predict", { method: "POST", headers, body: JSON.stringify(body) });
    const payload = await response.json();
    if (!response.ok) {
      status.textContent = `Error ${response.status}: ${payload.error ? payload.error.message : response.statusText}`;
      return;
    }
    if (article) showArticle(payload, title, text);
    else showStatement(payload.predictions[0]);
    legend();
    document.getElementById("result").hidden = false;
    status.textContent = `Done (model ${payload.model.version}, lexicon ${payload.model.lexicon_version}).`;
  } catch (error) {
    status.textContent = `The server could not be reached: ${error.message}`;
  } finally {
    document.getElementById("analyse").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("analyse-form").addEventListener("submit", analyse);
  document.getElementById("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) document.getElementById("analyse-form").requestSubmit();
  });
  for (const radio of document.querySelectorAll("input[name=mode]")) {
    radio.addEventListener("change", () => {
      document.getElementById("title-row").hidden = document.querySelector("input[name=mode]:checked").value !== "article";
    });
  }
  document.getElementById("api-key").value = sessionStorage.getItem("stancewatch-key") || "";
});

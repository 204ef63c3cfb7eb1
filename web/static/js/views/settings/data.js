// The data tab (owner only): import time from Toggl, Harvest or a vadesk
// export, with a preview first, and download everything.

import { post, qs } from "../../api.js";
import { h, mount, section, table, toast } from "../../dom.js";
import { field, form, showErrors, clearErrors, FieldError } from "../../forms.js";
import { downloadLinks } from "../../widgets.js";

const IMPORT_FORMATS = [
  ["toggl", "Toggl Track (detailed report)"],
  ["harvest", "Harvest (time report or import layout)"],
  ["vadesk", "vadesk (time entries CSV)"],
];

function plural(n, word, words) {
  return `${n} ${n === 1 ? word : words || `${word}s`}`;
}

/** What an import did or, as a preview, would do. */
function importSummary(res) {
  const facts = [];
  const add = (label, value) => {
    if (value) facts.push(h("dt", null, label), h("dd", null, value));
  };
  add(res.dry_run ? "Entries to import" : "Entries imported", h("strong", { id: "import-count", class: "num" }, String(res.imported)));
  add("Imported before (skipped)", res.skipped ? String(res.skipped) : "");
  add("Rows with problems", res.error_count ? String(res.error_count) : "");
  // Long lists come cut short, with the exact count beside them.
  const names = (list, count) => {
    const more = (count ?? list.length) - list.length;
    return list.length ? `${list.join(", ")}${more > 0 ? ` and ${more} more` : ""}` : "";
  };
  add(res.dry_run ? "New clients" : "Clients created", names(res.created_clients, res.created_client_count));
  add(res.dry_run ? "New services" : "Services created", names(res.created_services, res.created_service_count));
  add(res.dry_run ? "New projects" : "Projects created", names(res.created_projects, res.created_project_count));
  const people = names(res.unmatched_people, res.unmatched_person_count);
  add("People not found", people ? `${people}: their time becomes yours` : "");
  add("Invoiced elsewhere", res.invoiced_elsewhere ? `${plural(res.invoiced_elsewhere, "entry", "entries")}, imported as not billable` : "");
  const errors = res.errors.length
    ? [
        table(
          [{ label: "Row", class: "num" }, "Problem"],
          res.errors.map((e) => h("tr", null, h("th", { scope: "row", class: "num" }, String(e.row)), h("td", { class: "wrap" }, e.message))),
          { caption: "Rows with problems (left out)", captionVisible: true },
        ),
        res.error_count > res.errors.length ? h("p", { class: "muted small" }, `…and ${res.error_count - res.errors.length} more.`) : null,
      ]
    : null;
  return [h("dl", { class: "facts" }, facts), errors];
}

export function dataTab() {
  const fileField = field({ name: "file", label: "CSV file", type: "file", required: true, hint: "At most 10 MB. UTF-8 or what Excel saves; comma or semicolon separated." });
  const file = fileField.control;
  file.accept = ".csv,text/csv";
  const formatField = field({
    name: "format",
    label: "Exported from",
    type: "select",
    options: IMPORT_FORMATS,
    value: "toggl",
    hint: "Clients, services and projects are matched by name and made when missing; people by email or name.",
  });
  const result = h("div", { class: "import-result", "aria-live": "polite" });
  let previewed = null; // {file, format} the preview shown is of

  const send = (chosen, format, dryRun) => {
    const body = new FormData();
    body.append("file", chosen, chosen.name);
    return post(`/imports/time-entries${qs({ format, dry_run: dryRun ? "true" : "" })}`, body);
  };

  const f = form(
    {
      submitLabel: "Preview",
      label: "Import time",
      onSubmit: async (v) => {
        const chosen = file.files && file.files[0];
        if (!chosen) throw new FieldError("file", "choose a CSV file");
        mount(result, h("p", { class: "muted" }, "Reading the file…"));
        let res;
        try {
          res = await send(chosen, v.format, true);
        } catch (e) {
          mount(result);
          throw e;
        }
        previewed = { file: chosen, format: v.format };
        const go = h("button", { type: "button", class: "btn primary" }, `Import ${plural(res.imported, "entry", "entries")}`);
        go.addEventListener("click", async () => {
          go.disabled = true;
          clearErrors(f);
          try {
            const done = await send(previewed.file, previewed.format, false);
            previewed = null;
            f.reset();
            toast(`Imported ${plural(done.imported, "entry", "entries")}.`);
            mount(
              result,
              h(
                "div",
                { class: "notice ok-notice" },
                h("h3", { tabindex: "-1" }, `Imported ${plural(done.imported, "entry", "entries")}`),
                importSummary(done),
                h("div", { class: "form-actions" }, h("a", { href: "#/time", class: "btn primary" }, "See them in Time")),
              ),
            );
            // The button that was pressed is gone: keep the keyboard here.
            result.querySelector("h3").focus();
          } catch (e) {
            go.disabled = false;
            showErrors(f, e);
          }
        });
        mount(
          result,
          h(
            "div",
            { class: "notice" },
            h("h3", null, "Preview: nothing is saved yet"),
            importSummary(res),
            res.imported
              ? h("div", { class: "form-actions" }, go, h("button", { type: "button", class: "btn", onclick: () => mount(result) }, "Cancel"))
              : h("p", null, res.skipped ? "Everything in this file was imported before." : "Nothing in this file can be imported."),
          ),
        );
      },
    },
    fileField,
    formatField,
  );
  // A preview is of one file in one format: a change makes it stale.
  const stale = () => {
    if (previewed) {
      previewed = null;
      mount(result);
    }
  };
  file.addEventListener("change", stale);
  formatField.control.addEventListener("change", stale);

  return h(
    "div",
    null,
    section(
      "Import time",
      h("p", { class: "muted small" }, "Bring your hours over from Toggl Track or Harvest, or back from a vadesk export. Preview first: nothing is saved until you import. Importing the same file again skips what came in before."),
      f,
      result,
    ),
    section("Export", h("p", { class: "muted small" }, "Everything, as files a spreadsheet opens. Reports has the same downloads for one period."), downloadLinks(null)),
  );
}

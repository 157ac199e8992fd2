"""Import: upload contact exports and history, preview what would change, then import."""

import contextlib
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, duplicates, ui
from kith import uploads, usecases
from kith.errors import KithError
from loaders.importer import import_file, import_files

st.title("Import")
st.caption("LinkedIn (Connections.csv, messages.csv), Google or Outlook contacts (CSV), vCard (.vcf), calendars "
           "(.ics), Kith's own CSV/JSON history, and edge lists. Kith recognises each file by its content, "
           "previews what would change, and writes nothing until you press Import. People already known are "
           "merged, not duplicated; re-importing a file changes nothing.")
ui.show_flash()
duplicates.review(data.store())  # merge candidates, from earlier imports or this one

# A new key after each import empties the uploader: the files are in, the page is ready for more.
uploads_round = st.session_state.setdefault("import_round", 0)
uploaded = st.file_uploader("Files to import", accept_multiple_files=True, key=f"import_files_{uploads_round}")
if not uploaded:
    raise ui.Halt

store = data.store()
key = ui.key()


@st.cache_data(max_entries=32, show_spinner="Reading the file…")
def preview(_path: str, name: str, digest: str, graph: str, version: str) -> dict:
    """A dry run: what importing the file would do, or why it cannot be imported.

    Cached by content and graph state (a preview depends on who is already known), not by the
    path: each run saves the uploads afresh.
    """
    try:
        result = import_file(store, Path(_path), dry_run=True)
    except KithError as e:
        # The message names the temporary copy, which is gone by the time it shows: name the upload.
        return {"error": str(e).replace(_path, name)}
    plan = result.plan
    return {"format": plan.format, "summary": result.summary(),
            "merges": [f"{k} → {pid} ({rule})" for k, pid, rule in plan.merges[:20]],
            "candidates": [f"{c.a} ~ {c.b}: {c.reason} ({c.score:.0f})" for c in plan.candidates[:20]],
            "skipped": [f"line {line}: {reason}" if line else reason for line, reason in plan.skipped[:20]],
            "notes": [f"line {line}: {text}" for line, text in plan.notes[:20]]}


with uploads.saved(uploaded) as files:
    rows, ok = [], []
    for name, path, digest in files:
        p = preview(str(path), name, digest, key.graph, key.version)
        if "error" in p:
            st.error(f"**{ui.md(name)}** cannot be imported: {ui.md(p['error'])}")
            continue
        ok.append((name, path))
        rows.append({"file": name, "format": p["format"], **p["summary"]})
        notes = [("Merged with people you know", p["merges"]), ("Possible duplicates to check", p["candidates"]),
                 ("Skipped values", p["skipped"]), ("Notes", p["notes"])]
        if any(items for _, items in notes):
            with st.expander(f"Details for {ui.md(name)}"):
                for title, items in notes:
                    if items:
                        st.markdown(f"**{title}**\n" + "\n".join(f"- {ui.md(x)}" for x in items))

    if rows:
        st.subheader("Preview (nothing written yet)")
        st.dataframe(pd.DataFrame(rows), hide_index=True)
        if st.button(f"Import {len(ok)} file{'s' * (len(ok) != 1)}", type="primary", icon=":material/upload:",
                     key="import_go"):
            bar = st.progress(0.0, text="Importing…")
            name_of = {path: name for name, path in ok}
            position = {path: i for i, (_, path) in enumerate(ok)}

            @contextlib.contextmanager
            def progress(path: Path):
                """One bar for all the files: file ``i`` fills the ``i``-th share of it as its rows are written."""
                done = 0

                def advance(n: int, total: int) -> None:
                    nonlocal done
                    done += n
                    share = (position[path] + done / max(total, 1)) / len(ok)
                    bar.progress(min(1.0, share), text=f"Importing {ui.md(name_of[path])}…")

                yield advance

            written, inferring = [], False
            for outcome in import_files(store, [path for _, path in ok], progress=progress):
                name = name_of[outcome.path]
                if outcome.error is not None:
                    error = str(outcome.error).replace(str(outcome.path), name)
                    st.error(f"**{ui.md(name)}** was not imported (nothing from it was written): {ui.md(error)}")
                    continue
                if outcome.result.plan.format != "kith-export":  # a restore stays exact: nothing inferred
                    inferring = True
                written.append(f"{ui.md(name)}: " + ", ".join(f"{v} {k}" for k, v in outcome.result.summary().items() if v))
            if inferring:  # who knows whom among the contacts, from what was just imported (`kith infer`)
                bar.progress(1.0, text="Inferring who knows whom…")
                inferred = usecases.refresh_inferred_ties(store)
                if inferred.inferred:
                    written.append(inferred.sentence())
            bar.progress(1.0, text="Done")
            data.refresh()
            if written:
                st.session_state["import_round"] += 1
                ui.flash("Imported " + "; ".join(written))
                st.rerun()

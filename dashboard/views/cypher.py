"""Cypher: your own queries on your graph, read-only unless you tick write mode."""

import json

import streamlit as st

from dashboard import charts, compose, data, ui
from graph import cypher
from graph.examples import examples as schema_examples
from reports import render

OWN = "(your own query)"

st.title("Cypher")
st.caption("Ask your graph anything in Cypher. The data model is in graph/SCHEMA.md; start from one of its "
           "examples. Queries only read unless you allow changes.")


@st.cache_data
def examples() -> dict[str, str]:
    return schema_examples()


EXAMPLES = examples()


def use_example() -> None:
    name = st.session_state["cypher_example"]
    if name in EXAMPLES:
        st.session_state["cypher_query"] = EXAMPLES[name]


st.selectbox("Start from an example", [*EXAMPLES, OWN], key="cypher_example", on_change=use_example)
st.session_state.setdefault("cypher_query", next(iter(EXAMPLES.values()), ""))
query = st.text_area("Query", key="cypher_query", height=200)
c1, c2, c3, c4 = st.columns([2.5, 1.2, 1, 1])
params_text = c1.text_input("Parameters (JSON)", value="{}", key="cypher_params",
                            help='Values for $names in the query, e.g. {"name": "Priya Raman"}')
write = c2.checkbox("Allow changes (write mode)", key="cypher_write")
limit = c3.number_input("Row limit", 1, 100_000, 1000, key="cypher_limit")
timeout = c4.number_input("Timeout (s)", 1, 600, 30, key="cypher_timeout")

if st.button("Run", type="primary", icon=":material/play_arrow:", key="cypher_run"):
    st.session_state.pop("cypher_result", None)
    try:
        params = json.loads(params_text or "{}")
        if not isinstance(params, dict):
            raise ValueError("parameters must be a JSON object, like {\"name\": \"Priya Raman\"}")
        result = cypher.run(data.store(), query, params, write=write, limit=int(limit), timeout=float(timeout))
    except json.JSONDecodeError as e:
        st.error(f"The parameters are not valid JSON: {e.msg} (column {e.colno}).")
    except (cypher.CypherError, ValueError) as e:
        st.error(ui.md(e))  # the server's message quotes the query, and the query may quote data
    else:
        if write and result.counters:
            data.refresh()  # the graph changed: every cached analysis is stale
        st.session_state["cypher_result"] = result

result = st.session_state.get("cypher_result")
if result is not None:
    table = compose.results_frame(result)
    summary = f"{len(table)} row{'s' * (len(table) != 1)}"
    if result.counters:
        summary += "; " + ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in result.counters.items())
    if result.truncated:
        summary += f" (only the first {len(table)}: raise the row limit to see more)"
    st.caption(summary)
    graph = compose.result_graph(result)
    tabs = st.tabs(["Table", "Graph"]) if graph.nodes else [st.container()]
    with tabs[0]:
        st.dataframe(table, hide_index=True)
        # Through reports.render.to_csv, like every CSV Kith writes: no cell opens as a spreadsheet formula.
        st.download_button("Download CSV", render.to_csv(table).encode("utf-8"), file_name="kith-query.csv",
                           mime="text/csv", icon=":material/download:", key="cypher_csv")
    if graph.nodes:
        with tabs[1]:
            st.plotly_chart(charts.result_graph_figure(graph), config={"displaylogo": False})

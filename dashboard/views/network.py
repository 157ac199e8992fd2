"""Network: everyone you know and who knows whom; click a person to open them."""

import streamlit as st

from analytics.circles import tie_note
from dashboard import charts, compose, data, ui

key = ui.key()
P = ui.projection()
view = data.network(key)
st.title("Your network")
st.caption("Each dot is a person, grouped into the circles they form (a circle keeps its colour in every view); "
           "lines are ties between them, thicker when stronger; dotted lines are ties Kith inferred from "
           "interactions they were on together, lighter the less sure (hover one to see why). The star is you, or the person you centre on: "
           "their network is then laid out around them. Hover a dot to see who it is and why; click one to open "
           "them.")

people = compose.contacts(P)
tags = sorted({t for ts in view.nodes["tags"] for t in ts})
c1, c2, c3, c4, c5 = st.columns([1.1, 1.3, 2, 1.4, 2.2])
color_by = c1.radio("Colour by", ["circle", "how you met"], key="net_color")
size_by = c2.radio("Size by", ["your tie strength", "connections"], key="net_size")
chosen_tags = c3.multiselect("How you met", tags, key="net_tags", placeholder="everyone")
min_strength = c4.slider("Your tie at least", 0, 100, 0, step=5, key="net_min")
with c5:
    ego = st.selectbox("Around one person", people.index, index=None, key="net_ego",
                       format_func=lambda i: compose.label(P, i), placeholder="everyone")
    depth = st.slider("Steps from them", 1, 3, 1, key="net_depth", disabled=ego is None)

shown = compose.filter_network(view, tags=chosen_tags, min_strength=min_strength, ego=ego, depth=depth)
# Around one person the picture is laid out afresh, them in the middle; otherwise the global layout.
positions = data.ego_positions(key, ego, tuple(shown)) if ego is not None else None
fig = charts.network_figure(view, shown, color_by="circle" if color_by == "circle" else "tag",
                            size_by="strength" if size_by == "your tie strength" else "degree",
                            positions=positions, ego=ego)
# The chart's key changes after each click, so coming back here does not replay the old selection.
clicks = st.session_state.setdefault("net_clicks", 0)
event = st.plotly_chart(fig, key=f"network_chart_{clicks}", on_select="rerun", selection_mode="points",
                        config={"displaylogo": False, "scrollZoom": True})
ties = view.edges["a"].isin(shown) & view.edges["b"].isin(shown)
st.caption(f"{len(shown)} of {len(view.nodes)} people and {int(ties.sum())} ties shown"
           + (" (drawn with WebGL)" if len(shown) >= charts.LARGE else "") + ".")

points = event.selection.points if event and event.selection else []
picked = [p["customdata"][0] for p in points if p.get("customdata")]
if picked:
    st.session_state["net_clicks"] = clicks + 1
    st.switch_page(ui.PERSON_PAGE, query_params={"id": picked[0]})

with st.expander("The circles"):
    sizes = view.nodes.groupby("circle").size().sort_values(ascending=False)
    for c, n in sizes.head(15).items():
        members = view.nodes[view.nodes["circle"] == c].sort_values("strength", ascending=False)
        note = tie_note(view.graph, list(members.index))
        st.markdown(f"**{ui.md(view.circle_names[c])}**: " + ", ".join(ui.md(m) for m in members["name"].head(8))
                    + (" …" if n > 8 else "") + (f" ({ui.md(note)})" if note else ""))

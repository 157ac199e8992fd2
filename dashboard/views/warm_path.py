"""Warm path: the best chain of people to reach someone, through your strongest ties."""

import streamlit as st

from analytics.paths import warm_paths
from dashboard import charts, compose, data, ui

key = ui.key()
P = ui.projection()
st.title("Warm path")
st.caption("Who to ask for an introduction to someone you do not know well. A chain is as strong as the product "
           "of its ties (each 0–100), so two strong ties beat one weak one; at most three steps.")

people = ui.contacts(P)
G = data.strength_graph(key)
ties = data.owner_ties(key)
# Start from someone you cannot just call: the first contact with no direct tie to you.
far = [p for p in people.index if p not in ties.index] or list(people.index)
wanted = st.query_params.get("id")
ids = list(people.index)
default = ids.index(wanted) if wanted in ids else ids.index(far[0])
target = st.selectbox("Who do you want to reach?", ids, index=default, format_func=lambda i: compose.label(P, i),
                      key="path_target")
k = st.slider("How many chains", 1, 5, 3, key="path_k")

paths = warm_paths(G, P.owner, target, k=k)
name = compose.name_of(P, target)
if not paths:
    st.warning(f"No chain of people within three steps reaches {ui.md(name)}.")
else:
    best = paths[0]
    if best.ask is None:
        st.success(f"You know {ui.md(name)} directly (tie strength {100 * best.value:.0f}): just get in touch.")
    else:
        st.success(f"Ask **{ui.md(compose.name_of(P, best.ask))}**: the strongest chain to {ui.md(name)} "
                   f"(strength {100 * best.value:.0f} out of 100).")
    steps = [compose.path_steps(p, P) for p in paths]
    st.plotly_chart(charts.path_figure(steps), config={"displayModeBar": False})
    for i, (p, hops) in enumerate(zip(paths, steps), 1):
        chain = " → ".join(ui.md(n) for n in [hops[0]["from"], *[h["to"] for h in hops]])
        st.markdown(f"{i}. {chain} — strength {100 * p.value:.0f}")
ui.person_link(P, target, f"Open {name}")

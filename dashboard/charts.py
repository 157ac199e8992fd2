"""Plotly figures: plain functions from frames to ``go.Figure``, no Streamlit, easy to test.

Each takes data already computed (by ``reports``/``analytics``, shaped by ``compose``) and
only decides how it looks. Every string from data goes in through ``text``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from dashboard.compose import STATES, NetworkView, ResultGraph

PALETTE = qualitative.Safe + qualitative.Pastel
OTHER = "#c8c8c8"
# Circles and tags are told apart by colour; greys would read as the grey "other" group.
GROUP_PALETTE = [c for c in PALETTE if len(set(c.removeprefix("rgb(").removesuffix(")").split(", "))) > 1]
STATE_COLOURS = {"active": "#3a9a5b", "cooling": "#e0b03c", "at risk": "#e0703c", "dormant": "#9a9a9a"}
LARGE = 500          # from this many points on, draw with WebGL (Scattergl): SVG gets slow
LABELLED = 60        # up to this many people shown, each dot carries its name
EGO = "#1f1f2e"      # the person the picture is about: you, or whom you centred on
MAX_GROUPS = 12      # legend entries; smaller circles or tags share one grey "other" entry
FONT = dict(family="Source Sans Pro, sans-serif", size=13)


def text(value):
    """A string from data as literal text in a figure; anything else unchanged.

    Plotly reads a subset of HTML in hover text, labels, legends, titles and axis ticks: a name
    like ``<a href=…>`` would be a link. With ``&``, ``<`` and ``>`` as entities it shows as typed.
    """
    if not isinstance(value, str):
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _texts(values) -> list:
    return [text(v) for v in values]


def _base(fig: go.Figure, height: int, **layout) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=FONT,
                      plot_bgcolor="white", paper_bgcolor="white", **layout)
    return fig


# -- network ----------------------------------------------------------------------------


def network_figure(view: NetworkView, shown: list[str] | None = None, *, color_by: str = "circle",
                   size_by: str = "strength", height: int = 680, positions: dict | None = None,
                   ego: str | None = None) -> go.Figure:
    """The contact network: one dot per person, lines for ties (thicker = stronger).

    ``color_by``: "circle" or "tag" (how you met); ``size_by``: "strength" (your tie) or
    "degree" (how many of the people shown they know). Hovering a dot says who and why;
    each dot's ``customdata[0]`` is the person's id, for click-to-open. Up to ``LABELLED``
    people, every dot is named. ``positions`` (``{id: (x, y)}``, e.g. ``layout.ego_layout``)
    replaces the global layout; the ego is drawn as a star: ``ego`` when given, else you
    ("you", at the middle of the picture: you know everyone in it). A circle's or tag's colour
    comes from its name (``stable_colours``), so it is the same in every view.
    """
    nodes = view.nodes if shown is None else view.nodes.loc[[i for i in shown if i in view.nodes.index]]
    if positions is not None:
        xy = np.array([positions[i] for i in nodes.index]) if len(nodes) else np.zeros((0, 2))
        nodes = nodes.assign(x=np.round(xy[:, 0], 3), y=np.round(xy[:, 1], 3))
    webgl = len(nodes) >= LARGE
    Scatter = go.Scattergl if webgl else go.Scatter
    fig = go.Figure()

    keep = set(nodes.index)
    edges = view.edges[view.edges["a"].isin(keep) & view.edges["b"].isin(keep)]
    xy = nodes[["x", "y"]]
    inferred = edges["inferred"].astype(bool) if "inferred" in edges else pd.Series(False, index=edges.index)
    stated = edges[~inferred]
    for lo, hi, width, alpha, name in ((0.0, 0.35, 0.5, 0.18, "weak tie"), (0.35, 0.6, 1.0, 0.3, "good tie"),
                                       (0.6, 1.01, 2.0, 0.5, "strong tie")):
        part = stated[(stated["strength"] >= lo) & (stated["strength"] < hi)]
        fig.add_trace(Scatter(x=_segments(xy["x"], part), y=_segments(xy["y"], part), mode="lines",
                              line=dict(width=width, color=f"rgba(90,90,110,{alpha})"),
                              hoverinfo="skip", name=name, showlegend=False))
    _inferred_ties(fig, edges[inferred], xy)

    groups, names = _groups(nodes, color_by)
    colours = circle_colours(view.circle_names) if color_by == "circle" else stable_colours(view.nodes["tag"])
    labelled = len(nodes) <= LABELLED
    if size_by == "degree":
        sizes = 6 + 3 * np.sqrt(nodes["degree"].to_numpy())
    else:
        sizes = 5 + 0.22 * nodes["strength"].to_numpy()
    sizes = pd.Series(np.clip(sizes, 5, 32), index=nodes.index)
    for group, members in groups:
        part = nodes.loc[members]
        colour = colours.get(group, OTHER) if group is not None else OTHER
        fig.add_trace(Scatter(
            x=part["x"], y=part["y"], mode="markers+text" if labelled else "markers", name=text(names[group]),
            # The ego's own dot goes unnamed: their star carries the name.
            text=_texts(part["name"].where(part.index != ego, "")) if labelled else None, textposition="top center",
            textfont=dict(size=10, color="#444"),
            marker=dict(size=sizes.loc[members], color=colour, line=dict(width=0.6, color="white")),
            # [0] is the id a click opens (never shown); the rest is shown, so escaped.
            customdata=np.column_stack([part.index, _texts(part["name"]), _texts(part["role"]),
                                        _texts(part["circle_name"]), [text(", ".join(t) or "—") for t in part["tags"]],
                                        part["strength"].round(0), _texts(part["why"]), part["degree"]]),
            hovertemplate=("<b>%{customdata[1]}</b><br>%{customdata[2]}<br>circle: %{customdata[3]}"
                           "<br>how you met: %{customdata[4]}<br>your tie: %{customdata[5]}/100 — %{customdata[6]}"
                           "<br>knows %{customdata[7]} people in your network<extra></extra>"),
        ))
    _ego_marker(fig, Scatter, nodes, ego)
    _base(fig, height, showlegend=True, hovermode="closest", dragmode="pan",
          legend=dict(title=dict(text="circle" if color_by == "circle" else "how you met"), itemsizing="constant"),
          xaxis=dict(visible=False), yaxis=dict(visible=False, scaleanchor="x"))
    return fig


INFERRED_DASH = "dot"


def tie_style(confidence: float, inferred: bool = True) -> dict:
    """How a tie Kith inferred is drawn: lighter and thinner the less sure, dotted; a stated
    tie (or ``inferred`` False) is the solid line of its strength band, so ``{}`` here.

    opacity = 0.08 + 0.22 · confidence (at most a "good tie"'s 0.3), width = 0.4 + 0.6 · confidence.

    >>> tie_style(0.5)
    {'opacity': 0.19, 'width': 0.7, 'dash': 'dot'}
    >>> tie_style(1.0, inferred=False)
    {}
    """
    if not inferred:
        return {}
    c = min(max(float(confidence), 0.0), 1.0)
    return {"opacity": round(0.08 + 0.22 * c, 3), "width": round(0.4 + 0.6 * c, 3), "dash": INFERRED_DASH}


def _inferred_ties(fig: go.Figure, edges: pd.DataFrame, xy: pd.DataFrame) -> None:
    """Inferred ties, dotted and light by confidence (``tie_style``), one trace per tenth of
    confidence, the first in the legend as "inferred tie"; hovering a line's end says why."""
    if edges.empty:
        return
    bands = (edges["confidence"].astype(float).clip(0, 1) * 10).round().astype(int)
    for i, band in enumerate(sorted(bands.unique())):
        part = edges[bands == band]
        style = tie_style(band / 10)
        why = [text(f"inferred tie ({round(100 * c)}% sure): {w}" if isinstance(w, str) and w
                    else f"inferred tie ({round(100 * c)}% sure)") for c, w in zip(part["confidence"], part["why"])]
        # go.Scatter, not Scattergl: WebGL draws no dashes; the inferred ties are few next to the rest.
        fig.add_trace(go.Scatter(x=_segments(xy["x"], part), y=_segments(xy["y"], part), mode="lines",
                                 line=dict(width=style["width"], dash=style["dash"],
                                           color=f"rgba(90,90,110,{style['opacity']})"),
                                 text=[t for w in why for t in (w, w, None)], hoverinfo="text",
                                 name="inferred tie", legendgroup="inferred", showlegend=i == 0))


def _ego_marker(fig: go.Figure, Scatter, nodes: pd.DataFrame, ego: str | None) -> None:
    """A star for the person the picture is about: ``ego`` where they are, or "you" in the middle."""
    if ego is not None and ego in nodes.index:
        x, y, label, data = nodes.at[ego, "x"], nodes.at[ego, "y"], str(nodes.at[ego, "name"]), [[ego]]
    elif ego is None:
        x = float((nodes["x"].min() + nodes["x"].max()) / 2) if len(nodes) else 0.0
        y = float((nodes["y"].min() + nodes["y"].max()) / 2) if len(nodes) else 0.0
        label, data = "you", None
    else:
        return
    # The name goes in as text, never into the template, where "%{…}" in it would be read too.
    fig.add_trace(Scatter(x=[x], y=[y], mode="markers+text", name=text(label), text=[text(label)],
                          textposition="bottom center", textfont=dict(size=13, color=EGO), customdata=data,
                          marker=dict(symbol="star", size=24, color=EGO, line=dict(width=1.5, color="white")),
                          hovertemplate="<b>%{text}</b><extra></extra>", showlegend=False))


def stable_colours(keys: Iterable) -> dict:
    """A colour per key, from the key itself, never from its rank in one view.

    Each key hashes to a slot of ``GROUP_PALETTE`` (keys in sorted order, a taken slot passing
    to the next free one), so the same set of keys (a graph's circles) always gets the same
    colours, whatever subset a view shows. Past ``len(GROUP_PALETTE)`` keys colours repeat.
    """
    out, used, n = {}, set(), len(GROUP_PALETTE)
    for key in sorted({str(k) for k in keys}):
        slot = int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % n
        if len(used) == n:
            used.clear()
        step = next(s for s in range(n) if (slot + s) % n not in used)
        used.add((slot + step) % n)
        out[key] = GROUP_PALETTE[(slot + step) % n]
    return out


def circle_identity(names: dict) -> dict:
    """Circle number → what the circle is, for its colour: its name without the head count.

    The count changes as people come and go; the name ("ex-colleague · Bluepeak Health")
    rarely does. Two circles of one name are told apart by size: "school", "school #2".
    """
    base = {c: str(n).rsplit(" (", 1)[0] for c, n in names.items()}
    seen: dict[str, int] = {}
    out = {}
    for c in sorted(names, key=lambda c: (base[c], -_count(names[c]), str(c))):
        seen[base[c]] = seen.get(base[c], 0) + 1
        out[c] = base[c] if seen[base[c]] == 1 else f"{base[c]} #{seen[base[c]]}"
    return out


def _count(name) -> int:
    tail = str(name).rsplit(" (", 1)[-1].rstrip(")")
    return int(tail) if tail.isdigit() else 0


def circle_colours(names: dict) -> dict:
    """Circle number → colour, from the circle's identity (``circle_identity``), for every circle of the graph."""
    identity = circle_identity(names)
    colour = stable_colours(identity.values())
    return {c: colour[identity[c]] for c in names}


def _segments(coord: pd.Series, edges: pd.DataFrame) -> np.ndarray:
    """x (or y) of every edge as [from, to, gap, from, to, gap …]: one trace draws them all.

    float32 with NaN gaps rather than objects with None: plotly sends it as a compact binary
    array, a quarter of the bytes of a big network's edges.
    """
    out = np.full(3 * len(edges), np.nan, dtype=np.float32)
    out[0::3] = coord.reindex(edges["a"]).to_numpy()
    out[1::3] = coord.reindex(edges["b"]).to_numpy()
    return out


def _groups(nodes: pd.DataFrame, color_by: str) -> tuple[list, dict]:
    """Colour groups, largest first; beyond MAX_GROUPS they share the grey 'other' group (None)."""
    key = nodes["circle"] if color_by == "circle" else nodes["tag"]
    order = key.value_counts(sort=True).index.tolist()
    main, rest = order[:MAX_GROUPS], order[MAX_GROUPS:]
    groups = [(g, list(nodes.index[key == g])) for g in main]
    if rest:
        groups.append((None, list(nodes.index[key.isin(rest)])))
    if color_by == "circle":
        names = {g: nodes.loc[key == g, "circle_name"].iloc[0] for g in main}
    else:
        names = {g: f"{g} ({int((key == g).sum())})" for g in main}
    names[None] = f"other {'circles' if color_by == 'circle' else 'tags'} ({int(key.isin(rest).sum())})"
    return groups, names


# -- home ---------------------------------------------------------------------------------


def states_figure(counts: dict[str, int], height: int = 220) -> go.Figure:
    """Your ties by state (active, cooling, at risk, dormant) as one stacked bar."""
    fig = go.Figure()
    for state in STATES:
        fig.add_trace(go.Bar(y=["your ties"], x=[counts.get(state, 0)], name=state, orientation="h",
                             marker_color=STATE_COLOURS[state], text=[counts.get(state, 0)],
                             textposition="inside", hovertemplate=f"{state}: %{{x}}<extra></extra>"))
    return _base(fig, height, barmode="stack", legend=dict(orientation="h", y=-0.3, traceorder="normal"),
                 xaxis=dict(title="ties", showgrid=False), yaxis=dict(visible=False))


# -- person ---------------------------------------------------------------------------------


def strength_curve_figure(curve: pd.Series, interactions: pd.DataFrame, today: date, height: int = 320) -> go.Figure:
    """Your tie's strength over time: up at each contact, fading between; dashed after today.

    ``interactions``: the person's timeline (``at``, ``kind``, ``channel``), drawn as ticks.
    """
    fig = go.Figure()
    now = pd.Timestamp(today, tz="UTC")
    past, future = curve[curve.index <= now], curve[curve.index >= now]
    fig.add_trace(go.Scatter(x=past.index, y=past.values, mode="lines", name="tie strength",
                             line=dict(color="#2f6f8f", width=2.5),
                             hovertemplate="%{x|%d %b %Y}: %{y:.0f}/100<extra></extra>"))
    if not future.empty:
        fig.add_trace(go.Scatter(x=future.index, y=future.values, mode="lines",
                                 name="if you don't get in touch", line=dict(color="#999", width=2, dash="dash"),
                                 hovertemplate="%{x|%d %b %Y}: %{y:.0f}/100<extra></extra>"))
    if not interactions.empty:
        fig.add_trace(go.Scatter(x=interactions["at"], y=np.zeros(len(interactions)), mode="markers",
                                 name="interactions", marker=dict(symbol="line-ns-open", size=12, color="#444"),
                                 customdata=interactions[["kind", "channel"]].map(text).to_numpy(),
                                 hovertemplate="%{x|%d %b %Y}: %{customdata[0]} (%{customdata[1]})<extra></extra>"))
    fig.add_vline(x=now.timestamp() * 1000, line=dict(color="#bbb", width=1))
    return _base(fig, height, yaxis=dict(title="strength (0–100)", range=[-5, 100], gridcolor="#eee"),
                 xaxis=dict(gridcolor="#eee"), legend=dict(orientation="h", y=1.12), hovermode="x unified")


# -- give & ask --------------------------------------------------------------------------------


def balance_figure(ledger: pd.DataFrame, top: int = 25, height: int | None = None) -> go.Figure:
    """Who you have helped (right) and who has helped you (left), most one-sided first."""
    t = ledger.assign(helped_you=ledger["received"] + ledger["yes"], you_helped=ledger["given"])
    # The most one-sided, and always those not to ask again (often balanced at zero: no yes, no favor).
    order = t["balance"].abs().sort_values(ascending=False, kind="stable").index
    t = t.loc[[i for i in order if t.at[i, "push_luck"]] + [i for i in order if not t.at[i, "push_luck"]]].head(top)
    t = t.sort_values("balance", kind="stable")
    names = _texts(t["name"])  # the y axis: each name is a tick label
    fig = go.Figure()
    fig.add_trace(go.Bar(y=names, x=t["you_helped"], orientation="h", name="you helped them",
                         marker_color="#2f6f8f", hovertemplate="%{y}: you helped %{x} times<extra></extra>"))
    fig.add_trace(go.Bar(y=names, x=-t["helped_you"], orientation="h", name="they helped you",
                         marker_color="#e0703c", customdata=t["helped_you"],
                         hovertemplate="%{y}: helped you %{customdata} times<extra></extra>"))
    refused = t[t["push_luck"].astype(bool)]
    if not refused.empty:
        fig.add_trace(go.Scatter(y=_texts(refused["name"]), x=np.zeros(len(refused)), mode="markers",
                                 name="don't push your luck",
                                 marker=dict(symbol="x", size=11, color="#c0392b"),
                                 hovertemplate="%{y}: asked 3+ times, never a yes<extra></extra>"))
    return _base(fig, height or 120 + 22 * len(t), barmode="relative", legend=dict(orientation="h", y=1.05),
                 xaxis=dict(title="favors  (← they helped you · you helped them →)", gridcolor="#eee", dtick=1,
                            zeroline=True, zerolinecolor="#666"))


# -- warm path -------------------------------------------------------------------------------


def path_figure(paths: list[list[dict]], height: int | None = None) -> go.Figure:
    """Each chain on its own row, left to right from you; thicker lines are stronger ties.

    ``paths``: per chain, its hops as dicts ``from``, ``to``, ``strength`` (0–100).
    """
    fig = go.Figure()
    for row, hops in enumerate(paths):
        y = -row
        people = [hops[0]["from"], *[h["to"] for h in hops]]
        for i, h in enumerate(hops):
            fig.add_trace(go.Scatter(x=[i, i + 1], y=[y, y], mode="lines", showlegend=False, hoverinfo="skip",
                                     line=dict(width=1 + h["strength"] / 12, color="#2f6f8f")))
            fig.add_annotation(x=i + 0.5, y=y, text=f"{h['strength']}", showarrow=False, yshift=12,
                               font=dict(color="#2f6f8f"))
        fig.add_trace(go.Scatter(x=list(range(len(people))), y=[y] * len(people), mode="markers+text",
                                 text=_texts(people), textposition="bottom center", showlegend=False,
                                 marker=dict(size=18, color=["#444"] + ["#e0b03c"] * (len(people) - 2) + ["#c0392b"],
                                             line=dict(width=1, color="white")),
                                 hovertemplate="%{text}<extra></extra>"))
        fig.add_annotation(x=-0.35, y=y, text=f"#{row + 1}", showarrow=False, font=dict(size=15))
    longest = max((len(h) for h in paths), default=1)
    return _base(fig, height or 90 + 110 * len(paths),
                 xaxis=dict(visible=False, range=[-0.6, longest + 0.5]),
                 yaxis=dict(visible=False, range=[-len(paths) + 0.4, 0.6]))


# -- Cypher results --------------------------------------------------------------------------


def result_graph_figure(graph: ResultGraph, height: int = 520) -> go.Figure:
    """The nodes and relationships a query returned, coloured by label."""
    G = nx.MultiGraph()
    G.add_nodes_from(graph.nodes)
    G.add_edges_from((a, b) for a, b, _ in graph.edges if a in graph.nodes and b in graph.nodes)
    pos = nx.spring_layout(G, seed=3) if len(G) > 1 else {n: (0.0, 0.0) for n in G}
    fig = go.Figure()
    ex, ey, mx, my, mt = [], [], [], [], []
    for a, b, kind in graph.edges:
        if a in pos and b in pos:
            ex += [pos[a][0], pos[b][0], None]
            ey += [pos[a][1], pos[b][1], None]
            mx.append((pos[a][0] + pos[b][0]) / 2)
            my.append((pos[a][1] + pos[b][1]) / 2)
            mt.append(text(kind))
    fig.add_trace(go.Scatter(x=ex, y=ey, mode="lines", line=dict(color="#aaa", width=1), hoverinfo="skip",
                             showlegend=False))
    if mt:
        fig.add_trace(go.Scatter(x=mx, y=my, mode="text" if len(mt) <= 60 else "markers", text=mt,
                                 marker=dict(size=2, color="#aaa"), textfont=dict(size=10, color="#888"),
                                 hovertemplate="%{text}<extra></extra>", showlegend=False))
    kinds = sorted({n["kind"] for n in graph.nodes.values()})
    for i, kind in enumerate(kinds):
        keys = [k for k, n in graph.nodes.items() if n["kind"] == kind]
        fig.add_trace(go.Scatter(
            x=[pos[k][0] for k in keys], y=[pos[k][1] for k in keys], mode="markers+text" if len(pos) <= 40 else "markers",
            name=text(kind), text=[text(graph.nodes[k]["label"]) for k in keys], textposition="top center",
            marker=dict(size=14, color=PALETTE[i % len(PALETTE)], line=dict(width=1, color="white")),
            hovertemplate="%{text}<extra>%{fullData.name}</extra>"))
    return _base(fig, height, xaxis=dict(visible=False), yaxis=dict(visible=False), legend=dict(title="label"))

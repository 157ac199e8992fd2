"""Kith's dashboard: a Streamlit app over the graph (``streamlit run dashboard/app.py``).

It only composes: pages call ``graph/``, ``reports/`` and ``analytics/`` through the
cached accessors in ``data.py``, small shaping helpers in ``compose.py`` and the
plotly figure functions in ``charts.py``. All Cypher lives in ``graph/queries.py``.
"""

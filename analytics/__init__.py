"""Pure functions over networkx graphs and pandas frames. No database calls inside an algorithm."""

"""Joint decisions (会商): proposals, comments, votes and the commander's decision."""

"""``awsgluedq``: AWS Glue Data Quality's Python entry point, as AWS Glue Studio scripts import it
(``from awsgluedq.transforms import EvaluateDataQuality``), for local runs only; see ``transforms``."""

-- The speech step's text_reasons (<data>/_derived/text_reasons.parquet), typed; empty when absent.
{{ relance_typed_source('speech', 'text_reasons') }}

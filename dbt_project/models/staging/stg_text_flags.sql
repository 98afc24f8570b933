-- The speech step's text_flags (<data>/_derived/text_flags.parquet), typed; empty when absent.
{{ relance_typed_source('speech', 'text_flags') }}

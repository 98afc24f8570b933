-- The speech step's themes (<data>/_derived/themes.parquet), typed; empty when absent.
{{ relance_typed_source('speech', 'themes') }}

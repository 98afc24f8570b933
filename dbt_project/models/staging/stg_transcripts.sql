-- The speech step's transcripts (<data>/_derived/transcripts.parquet), typed; empty when absent.
{{ relance_typed_source('speech', 'transcripts') }}

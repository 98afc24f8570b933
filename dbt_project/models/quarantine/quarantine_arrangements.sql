-- Rows of raw arrangements kept out of the warehouse, with why, and their values as they arrived.
{{ relance_quarantine_rows(ref('base_arrangements'), 'arrangements') }}

-- Rows of raw feedback kept out of the warehouse, with why, and their values as they arrived.
{{ relance_quarantine_rows(ref('base_feedback'), 'feedback') }}

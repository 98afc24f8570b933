-- Rows of raw merchants kept out of the warehouse, with why, and their values as they arrived.
{{ relance_quarantine_rows(ref('base_merchants'), 'merchants') }}

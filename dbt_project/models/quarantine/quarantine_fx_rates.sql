-- Rows of raw fx_rates kept out of the warehouse, with why, and their values as they arrived.
{{ relance_quarantine_rows(ref('base_fx_rates'), 'fx_rates') }}

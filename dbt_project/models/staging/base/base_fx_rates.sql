-- Every row of raw fx_rates, typed, with its quarantine verdict (see relance_check_table).

{{ relance_check_table('fx_rates') }}

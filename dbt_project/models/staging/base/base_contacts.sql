-- Every row of raw contacts, typed, with its quarantine verdict (see relance_check_table).
-- Foreign keys are checked against the parents' valid rows:
-- depends_on: {{ ref('stg_customers') }}
-- depends_on: {{ ref('stg_plans') }}

{{ relance_check_table('contacts') }}

{#
  Nothing lost: every raw row is either staged or quarantined. Fails with the tables whose
  counts do not add up.
#}
{% test rows_reconcile(model, raw='raw_rows', staged='staged_rows', quarantined='quarantined_rows') %}

select *
from {{ model }}
where {{ raw }} <> {{ staged }} + {{ quarantined }}

{% endtest %}

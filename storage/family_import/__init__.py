"""Import of the commune's families from its childhood-services software: the CSV files read and checked line by line
(reading.py, columns.py, parsing.py), the comparison with the portal's records that the preview shows and the import
applies (reconcile.py), the background job with its progress (jobs.py) and the families' access handed over after an
import (access.py). Nothing here imports Bottle."""

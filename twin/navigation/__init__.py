"""Navigation: routes and maintenance rounds over a building, as the twin knows it.

:class:`~twin.navigation.navigator.Navigator` composes :mod:`spatial.routing`
and :mod:`spatial.rounds` with what only the twin knows: ``alarm:<id>`` and
``work-order:<id>`` references, and lifts whose devices report a fault. The
API (through :meth:`twin.buildings.queries.BuildingQueries.navigator`) and
the command line (:func:`~twin.navigation.navigator.navigator_for_files`,
:func:`~twin.navigation.navigator.navigator_for_registered`) use this one
composition, so the same question gets the same answer on both.
"""

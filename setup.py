"""Maps the three source folders onto one import package (metadata lives in pyproject.toml).

`flavorhost` is the public SDK (sdk/), `flavorhost.host` the daemon (host/) and
`flavorhost.flavors` the built-in flavors (flavors/). Nothing is installed at the top level under
`host`, `sdk` or `flavors`, so a user's own `flavors` package is never shadowed.
"""

from setuptools import find_packages, setup

PACKAGE_ROOTS = {"flavorhost": "sdk", "flavorhost.host": "host", "flavorhost.flavors": "flavors"}

packages = []
for package, folder in PACKAGE_ROOTS.items():
    packages.append(package)
    packages.extend(f"{package}.{sub}" for sub in find_packages(folder))

setup(packages=packages, package_dir=PACKAGE_ROOTS, package_data={"flavorhost": ["py.typed"]})

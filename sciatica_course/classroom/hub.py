"""Links that open the course for a class: nbgitpuller on a JupyterHub, and Binder.

``python -m sciatica_course hub-link --hub https://hub.school.example`` prints the nbgitpuller
link for your hub and the Binder link, both opening the first chapter in JupyterLab. The repository
address comes from ``_config.yml`` (``repository.url`` and ``branch``), the one place it is written;
``--repo`` and ``--branch`` give another one (a fork, or the school's own git server) for the
nbgitpuller link. ``tests/test_hub_e2e.py`` follows this link into a real JupyterHub.
"""

from __future__ import annotations

import re
import sys
from urllib.parse import quote, urlencode, urlparse

import yaml

from ..data import CONFIG_FILE

FIRST_NOTEBOOK = "notebooks/01-welcome.ipynb"


def repository() -> tuple[str, str]:
    cfg = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8"))
    repo = cfg.get("repository", {})
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def nbgitpuller_link(hub: str, repo_url: str, branch: str = "main", path: str = FIRST_NOTEBOOK) -> str:
    """The link that clones (or updates) the course into each learner's hub home and opens ``path``.

    nbgitpuller clones into a folder named after the repository, so the path is opened inside it.
    That folder is the address's last part exactly as nbgitpuller 1.3 names it
    (``repo.rstrip('/').split('/')[-1]``, keeping a ``.git`` ending).
    """
    folder = repo_url.rstrip("/").split("/")[-1]
    query = urlencode({"repo": repo_url, "branch": branch, "urlpath": f"lab/tree/{folder}/{path}"}, quote_via=quote)
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def binder_link(repo_url: str, branch: str = "main", path: str = FIRST_NOTEBOOK,
                binder: str = "https://mybinder.org") -> str:
    """mybinder.org builds the environment from requirements.txt and opens ``path`` in JupyterLab."""
    u = urlparse(repo_url)
    if u.netloc != "github.com":
        raise ValueError(f"Binder links are made for GitHub repositories here, not {repo_url}")
    owner_repo = u.path.strip("/").removesuffix(".git")
    return (f"{binder.rstrip('/')}/v2/gh/{owner_repo}/{quote(branch, safe='')}"
            f"?urlpath={quote('lab/tree/' + path, safe='')}")


def add_arguments(parser) -> None:
    parser.add_argument("--hub", default="https://hub.example.org", help="your JupyterHub's address")
    parser.add_argument("--path", default=FIRST_NOTEBOOK, help="the notebook to open (default: the first chapter)")
    parser.add_argument("--repo", default=None,
                        help="the git address learners' servers clone (default: repository.url in _config.yml)")
    parser.add_argument("--branch", default=None, help="the branch to pull (default: repository.branch in _config.yml)")


def run(args) -> int:
    url, branch = repository()
    repo_url = (args.repo or url).strip()
    branch = (args.branch or branch).strip()
    scp_like = re.match(r"^[\w.-]+@[\w.-]+:[^/]", repo_url)  # git@host:owner/course.git
    if not repo_url.rstrip("/").split("/")[-1] or not (urlparse(repo_url).netloc or scp_like):
        print(f"error: --repo {args.repo!r}: not a git address (expected e.g. https://host/owner/course)",
              file=sys.stderr)
        return 2
    print(f"nbgitpuller: {nbgitpuller_link(args.hub, repo_url, branch, args.path)}")
    if urlparse(repo_url).netloc == "github.com":
        print(f"Binder:      {binder_link(repo_url, branch, args.path)}")
    else:
        print(f"Binder:      (Binder links are made for GitHub repositories; none for {repo_url})")
    return 0

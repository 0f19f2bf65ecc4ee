"""placeholder"""


def write_for_run(run_dir, manifest):
    return None

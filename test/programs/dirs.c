/*
 * dirs: mkdir/rmdir/opendir/readdir (path_create_directory, path_remove_directory, fd_readdir): EEXIST, ENOENT,
 * ENOTDIR, ENOTEMPTY; "." and ".." in every listing with the right inode; d_type for files, directories and
 * symlinks; a listing reflects creations and removals.
 * Reference: wasmtime p1_fd_readdir, p1_remove_nonempty_directory, p1_remove_directory, p1_path_open_missing.
 */
#include <dirent.h>

#include "check.h"

struct entry {
  char name[64];
  unsigned char type;
  ino_t ino;
};

static int list_dir(const char *path, struct entry *out, int cap) {
  DIR *d = OK_PTR(opendir(path));
  int n = 0;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    CHECK(n < cap);
    if (n >= cap) break;
    snprintf(out[n].name, sizeof out[n].name, "%s", e->d_name);
    out[n].type = e->d_type;
    out[n].ino = e->d_ino;
    n++;
  }
  CHECK_EQ(errno, 0);
  OK(closedir(d));
  return n;
}

static const struct entry *find(const struct entry *es, int n, const char *name) {
  const struct entry *found = NULL;
  for (int i = 0; i < n; i++) {
    if (strcmp(es[i].name, name) == 0) {
      CHECK(found == NULL); /* each name at most once */
      found = &es[i];
    }
  }
  return found;
}

/* Like find, but the entry must exist (a missing one fails the check and yields an empty entry). */
static const struct entry *must_find(const struct entry *es, int n, const char *name) {
  static const struct entry none = {"", 0, 0};
  const struct entry *e = find(es, n, name);
  if (e == NULL) {
    FAIL("no entry \"%s\" in the listing", name);
    return &none;
  }
  return e;
}

static ino_t ino_of(const char *path) {
  struct stat st;
  OK(lstat(path, &st));
  return st.st_ino;
}

int main(void) {
  enter_scratch("dirs");
  struct entry es[16];

  /* mkdir and its errors. */
  CHECK_OK(mkdir("d", 0755));
  CHECK_ERRNO(mkdir("d", 0755), EEXIST);
  touch("f");
  CHECK_ERRNO(mkdir("f", 0755), EEXIST);
  CHECK_ERRNO(mkdir("missing/sub", 0755), ENOENT);
  CHECK_ERRNO(mkdir("f/sub", 0755), ENOTDIR);
  CHECK_OK(mkdir("e/", 0755)); /* a trailing slash names the directory being created */
  struct stat st;
  OK(stat("e", &st));
  CHECK(S_ISDIR(st.st_mode));
  CHECK_OK(mkdir("d/nested", 0755));
  CHECK_OK(mkdir("d/nested/deeper", 0755));

  /* An empty directory lists exactly "." and "..". */
  // wasmtime: "." and ".." are always listed; uvwasi differs (omits both), failing every count below
  int n = list_dir("e", es, 16);
  CHECK_EQ(n, 2);
  CHECK_EQ(must_find(es, n, ".")->type, DT_DIR);
  CHECK_EQ(must_find(es, n, "..")->type, DT_DIR);
  CHECK_EQ(must_find(es, n, ".")->ino, ino_of("e"));

  /* A populated one: every entry once, with its type and inode. */
  touch("e/file");
  CHECK_OK(mkdir("e/sub", 0755));
  CHECK_OK(symlink("file", "e/link"));
  n = list_dir("e", es, 16);
  CHECK_EQ(n, 5);
  must_find(es, n, ".");
  must_find(es, n, "..");
  CHECK_EQ(must_find(es, n, "file")->type, DT_REG);
  CHECK_EQ(must_find(es, n, "sub")->type, DT_DIR);
  CHECK_EQ(must_find(es, n, "link")->type, DT_LNK);
  CHECK_EQ(must_find(es, n, "file")->ino, ino_of("e/file"));
  CHECK_EQ(must_find(es, n, "sub")->ino, ino_of("e/sub"));
  CHECK_EQ(must_find(es, n, "link")->ino, ino_of("e/link"));

  /* The listing follows changes. */
  OK(unlink("e/file"));
  touch("e/new");
  n = list_dir("e", es, 16);
  CHECK_EQ(n, 5);
  CHECK(find(es, n, "file") == NULL);
  CHECK(find(es, n, "new") != NULL);

  /* rewinddir sees entries created after opendir. */
  DIR *dir = OK_PTR(opendir("e"));
  int before = 0;
  while (readdir(dir) != NULL) before++;
  touch("e/later");
  rewinddir(dir);
  int after = 0;
  while (readdir(dir) != NULL) after++;
  CHECK_EQ(after, before + 1);
  OK(closedir(dir));

  /* opendir errors. */
  CHECK_ERRNO_PTR(opendir("f"), ENOTDIR);
  CHECK_ERRNO_PTR(opendir("missing"), ENOENT);
  /* opendir through a symlink to a directory lists the target. */
  CHECK_OK(symlink("e", "elink"));
  n = list_dir("elink", es, 16);
  must_find(es, n, "new");

  /* rmdir: only empty directories. */
  CHECK_ERRNO(rmdir("d"), ENOTEMPTY);
  CHECK_ERRNO(rmdir("d/nested"), ENOTEMPTY);
  CHECK_ERRNO(rmdir("f"), ENOTDIR);
  CHECK_ERRNO(rmdir("missing"), ENOENT);
  CHECK_ERRNO(rmdir("elink"), ENOTDIR); /* a symlink, even to a directory, is not one */
  CHECK_OK(rmdir("d/nested/deeper"));
  CHECK_OK(rmdir("d/nested"));
  CHECK_OK(rmdir("d"));
  CHECK_ERRNO(stat("d", &st), ENOENT);
  /* The name is free again. */
  CHECK_OK(mkdir("d", 0755));
  n = list_dir("d", es, 16);
  CHECK_EQ(n, 2);
  return ok();
}

// ls [-laA1dR] [FILE]...: lists directories (sorted by name, byte order as in the C locale) and files.
// -l prints GNU's long format; WASI has no owners, so every file is root's, and modes WASI does not report are
// shown as 755 for directories and 644 otherwise.
#include "workdir.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int opt_long, opt_all, opt_almost_all, opt_dir, opt_recursive;
static int status;

struct entry { char *name; char *path; struct stat st; };

static int by_name(const void *a, const void *b) {
  return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static char *join(const char *dir, const char *name) {
  size_t n = strlen(dir);
  char *p = malloc(n + strlen(name) + 2);
  if (!p) { perror("ls"); exit(2); }
  sprintf(p, n > 0 && dir[n - 1] == '/' ? "%s%s" : "%s/%s", dir, name);
  return p;
}

static void mode_string(mode_t m, char out[11]) {
  char t = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
  mode_t perm = m & 07777;
  if (perm == 0) perm = S_ISDIR(m) ? 0755 : S_ISLNK(m) ? 0777 : 0644;
  const char *rwx = "rwxrwxrwx";
  out[0] = t;
  for (int i = 0; i < 9; i++) out[i + 1] = perm & (1 << (8 - i)) ? rwx[i] : '-';
  out[10] = '\0';
}

static void print_long(struct entry *e, int n) {
  int wlink = 1, wsize = 1;
  unsigned long long blocks = 0;
  for (int i = 0; i < n; i++) {
    char b[32];
    int l = snprintf(b, sizeof b, "%llu", (unsigned long long)e[i].st.st_nlink);
    if (l > wlink) wlink = l;
    l = snprintf(b, sizeof b, "%llu", (unsigned long long)e[i].st.st_size);
    if (l > wsize) wsize = l;
    // st_blocks is 0 under WASI: count 4 KiB blocks as most file systems allocate them, in 1 KiB units as GNU.
    unsigned long long size = (unsigned long long)e[i].st.st_size;
    blocks += e[i].st.st_blocks ? (unsigned long long)e[i].st.st_blocks / 2 : (S_ISLNK(e[i].st.st_mode) ? 0 : (size + 4095) / 4096 * 4);
  }
  if (n >= 0 && opt_long > 1) printf("total %llu\n", blocks);
  time_t now = time(NULL);
  for (int i = 0; i < n; i++) {
    char mode[11], when[32];
    mode_string(e[i].st.st_mode, mode);
    time_t t = e[i].st.st_mtime;
    struct tm *tm = gmtime(&t);
    const long six_months = 31556952L / 2;
    if (tm == NULL) strcpy(when, "?");
    else strftime(when, sizeof when, t > now - six_months && t <= now + 3600 ? "%b %e %H:%M" : "%b %e  %Y", tm);
    printf("%s %*llu root root %*llu %s %s", mode, wlink, (unsigned long long)e[i].st.st_nlink, wsize,
           (unsigned long long)e[i].st.st_size, when, e[i].name);
    if (S_ISLNK(e[i].st.st_mode)) {
      char target[4096];
      ssize_t len = readlink(e[i].path, target, sizeof target - 1);
      if (len >= 0) {
        target[len] = '\0';
        printf(" -> %s", target);
      }
    }
    putchar('\n');
  }
}

static void print_entries(struct entry *e, int n, int with_total) {
  if (opt_long) {
    opt_long = with_total ? 2 : 1;
    print_long(e, n);
  } else {
    for (int i = 0; i < n; i++) puts(e[i].name);
  }
}

static void free_entries(struct entry *e, int n) {
  for (int i = 0; i < n; i++) { free(e[i].name); free(e[i].path); }
  free(e);
}

static void list_dir(const char *path, int header) {
  DIR *d = opendir(path);
  if (!d) {
    fprintf(stderr, "ls: cannot open directory '%s': %s\n", path, strerror(errno));
    status = 2;
    return;
  }
  int n = 0, cap = 64;
  struct entry *e = malloc(sizeof *e * (size_t)cap);
  struct dirent *de;
  while (e && (de = readdir(d)) != NULL) {
    const char *name = de->d_name;
    if (name[0] == '.') {
      int dots = strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
      if (!opt_all && !(opt_almost_all && !dots)) continue;
    }
    if (n == cap) {
      cap *= 2;
      e = realloc(e, sizeof *e * (size_t)cap);
      if (!e) break;
    }
    e[n].name = strdup(name);
    e[n].path = join(path, name);
    if (lstat(e[n].path, &e[n].st) != 0) {
      // "." and ".." may not be reachable by path in a sandbox: fall back to the directory itself.
      if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
        fprintf(stderr, "ls: cannot access '%s': %s\n", e[n].path, strerror(errno));
        status = 1;
      }
      if (lstat(path, &e[n].st) != 0) memset(&e[n].st, 0, sizeof e[n].st);
    }
    n++;
  }
  closedir(d);
  if (!e) { perror("ls"); exit(2); }
  qsort(e, (size_t)n, sizeof *e, by_name);
  if (header) printf("%s:\n", path);
  print_entries(e, n, 1);
  if (opt_recursive) {
    for (int i = 0; i < n; i++) {
      if (!S_ISDIR(e[i].st.st_mode) || strcmp(e[i].name, ".") == 0 || strcmp(e[i].name, "..") == 0) continue;
      putchar('\n');
      list_dir(e[i].path, 1);
    }
  }
  free_entries(e, n);
}

int main(int argc, char **argv) {
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (argv[i][0] != '-' || argv[i][1] == '\0') break;
    for (const char *p = argv[i] + 1; *p; p++) {
      switch (*p) {
        case 'l': opt_long = 1; break;
        case 'a': opt_all = 1; break;
        case 'A': opt_almost_all = 1; break;
        case 'd': opt_dir = 1; break;
        case 'R': opt_recursive = 1; break;
        case '1': break;
        default:
          fprintf(stderr, "ls: invalid option -- '%c'\nusage: ls [-laA1dR] [FILE]...\n", *p);
          return 2;
      }
    }
  }
  char *dot[] = {"."};
  char **operands = i < argc ? argv + i : dot;
  int n = i < argc ? argc - i : 1;

  // Files (and, with -d, directories) first, then each directory: as GNU ls.
  struct entry *files = calloc((size_t)n, sizeof *files);
  char **dirs = calloc((size_t)n, sizeof *dirs);
  int nfiles = 0, ndirs = 0;
  if (!files || !dirs) { perror("ls"); return 2; }
  for (int k = 0; k < n; k++) {
    struct stat st;
    if (lstat(operands[k], &st) != 0) {
      fprintf(stderr, "ls: cannot access '%s': %s\n", operands[k], strerror(errno));
      status = 2;
      continue;
    }
    // A symlink operand to a directory is listed as the directory (without -l), as GNU.
    struct stat target;
    int is_dir = S_ISDIR(st.st_mode) || (!opt_long && S_ISLNK(st.st_mode) && stat(operands[k], &target) == 0 && S_ISDIR(target.st_mode));
    if (is_dir && !opt_dir) dirs[ndirs++] = operands[k];
    else {
      files[nfiles].name = strdup(operands[k]);
      files[nfiles].path = strdup(operands[k]);
      files[nfiles].st = st;
      nfiles++;
    }
  }
  qsort(files, (size_t)nfiles, sizeof *files, by_name);
  print_entries(files, nfiles, 0);
  for (int k = 0; k < ndirs; k++) {
    if (k > 0 || nfiles > 0) putchar('\n');
    list_dir(dirs[k], n > 1 || opt_recursive);
  }
  free_entries(files, nfiles);
  free(dirs);
  return status;
}

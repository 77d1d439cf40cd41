/** markdown-it-emoji ships GitHub's shortcode table as an ES module without types of its own. */
declare module "markdown-it-emoji/lib/data/full.mjs" {
  const shortcodes: Record<string, string>;
  export default shortcodes;
}
